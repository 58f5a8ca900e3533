// `orgstack users reset-password <username>`: how an operator who lost the admin password gets back in.
import { sql } from 'drizzle-orm';
import type { Database } from '../db/index.ts';
import { CredentialCache } from '../platform/credential-cache.ts';
import { users } from '../platform/tables.ts';
import { generatePassword, hashPassword } from '../platform/secrets.ts';
import { deleteUserSessions } from '../platform/sessions.ts';
import { UsageError } from './common.ts';

export async function usersCommand(database: Database, argv: string[]) {
  const [sub, username] = argv;
  if (sub !== 'reset-password' || !username) throw new UsageError('Usage: orgstack users reset-password <username>');
  const password = generatePassword();
  const updated = await database.db
    .update(users)
    .set({ passwordHash: await hashPassword(password), mustChangePassword: true, updatedAt: new Date() })
    .where(sql`lower(${users.username}) = lower(${username})`)
    .returning({ id: users.id });
  if (updated.length === 0) throw new UsageError(`No user "${username}"`);
  // Whoever is signed in as this user now (perhaps why the password is being reset) is signed out.
  await deleteUserSessions(database.db, updated[0].id);
  await new CredentialCache(database, 0).invalidateAll();
  console.log(`New password for ${username} (shown once; they must change it at next sign-in):\n${password}`);
}
