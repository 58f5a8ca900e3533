// On an empty database: the superadmin `admin` with a generated password, and one platform key.
// Runs under the migration lock, so when several nodes start at once exactly one creates them.
import { eq } from 'drizzle-orm';
import type { Db } from '../db/index.ts';
import { uuidv7 } from './ids.ts';
import { mintKey } from './keys.ts';
import { users } from './tables.ts';
import { generatePassword, hashPassword } from './secrets.ts';

export interface FirstRunCredentials {
  username: string;
  password: string;
  platformKey: string;
}

export async function ensureFirstRun(db: Db): Promise<FirstRunCredentials | null> {
  const [existing] = await db.select({ id: users.id }).from(users).where(eq(users.role, 'superadmin')).limit(1);
  if (existing) return null;
  const password = generatePassword();
  await db.insert(users).values({
    id: uuidv7(),
    username: 'admin',
    passwordHash: await hashPassword(password),
    role: 'superadmin',
  });
  const { key } = await mintKey(db, { kind: 'platform', name: 'first platform key' }, null);
  return { username: 'admin', password, platformKey: key };
}
