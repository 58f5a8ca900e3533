// Ids are made in the application (PGlite and PostgreSQL 15 then agree). UUIDv7 keeps inserts
// in time order, which keeps B-tree indexes compact.
import { randomFillSync } from 'node:crypto';

// CSPRNG bytes drawn in 4 KiB batches: one randomBytes() call per id costs ~2 µs on the hot
// path, a slice of a pre-filled pool almost nothing (crypto.randomUUID does the same).
const POOL_SIZE = 4096;
let pool = Buffer.allocUnsafe(0);
let offset = 0;

function randomSlice(n: number): Buffer {
  if (offset + n > pool.length) {
    pool = randomFillSync(Buffer.allocUnsafe(POOL_SIZE));
    offset = 0;
  }
  const out = Buffer.from(pool.subarray(offset, offset + n));
  offset += n;
  return out;
}

export function uuidv7(now = Date.now()): string {
  const b = randomSlice(16);
  b.writeUIntBE(now, 0, 6);
  b[6] = (b[6] & 0x0f) | 0x70;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export const requestId = () => `req_${randomSlice(12).toString('base64url')}`;
export const eventId = () => `evt_${randomSlice(12).toString('base64url')}`;
