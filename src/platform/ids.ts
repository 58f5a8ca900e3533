// Ids are made in the application (PGlite and PostgreSQL 15 then agree). UUIDv7 keeps inserts
// in time order, which keeps B-tree indexes compact.
import { randomBytes } from 'node:crypto';

export function uuidv7(now = Date.now()): string {
  const b = randomBytes(16);
  b.writeUIntBE(now, 0, 6);
  b[6] = (b[6] & 0x0f) | 0x70;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export const requestId = () => `req_${randomBytes(12).toString('base64url')}`;
export const eventId = () => `evt_${randomBytes(12).toString('base64url')}`;
