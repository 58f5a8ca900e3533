// ORGSTACK_SECRET signs and encrypts server-side secrets (webhook signing keys, later). When it
// is not set, one is generated on first start and kept in the data directory (mode 0600).
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Config } from '../config.ts';

export function resolveServerSecret(config: Config): { secret: string; generated: boolean } {
  if (config.secret) return { secret: config.secret, generated: false };
  const file = path.join(config.dataDir, 'secret');
  try {
    return { secret: fs.readFileSync(file, 'utf8').trim(), generated: false };
  } catch {
    fs.mkdirSync(config.dataDir, { recursive: true });
    const secret = randomBytes(32).toString('base64url');
    fs.writeFileSync(file, secret, { mode: 0o600, flag: 'wx' });
    return { secret, generated: true };
  }
}
