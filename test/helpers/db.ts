// A fresh database for each test file: in-memory PGlite by default, or, when TEST_DATABASE_URL
// is set, a new PostgreSQL database cloned from a migrated template (fast, and it keeps
// drizzle's migration journal).
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import { openDatabase, type Database } from '../../src/db/index.ts';
import { migrate, migrationsFolder } from '../../src/db/migrate.ts';

export const testDatabaseUrl = process.env.TEST_DATABASE_URL;
export const onPostgres = Boolean(testDatabaseUrl);

function migrationsHash(): string {
  const h = createHash('sha256');
  for (const f of fs.readdirSync(migrationsFolder).filter((f) => f.endsWith('.sql')).sort()) {
    h.update(f).update(fs.readFileSync(path.join(migrationsFolder, f)));
  }
  return h.digest('hex').slice(0, 12);
}

const withDatabaseName = (url: string, name: string) => {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
};

async function dropDatabase(name: string) {
  const admin = postgres(testDatabaseUrl!, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists "${name}" with (force)`);
  await admin.end();
}

/** Creates (once per migration set) the template, then a fresh database from it. */
async function freshPostgresDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const admin = postgres(testDatabaseUrl!, { max: 1, onnotice: () => {} });
  const template = `orgstack_tpl_${migrationsHash()}`;
  const name = `orgstack_t_${randomBytes(6).toString('hex')}`;
  try {
    await admin`select pg_advisory_lock(7262012)`;
    try {
      const [exists] = await admin`select 1 from pg_database where datname = ${template}`;
      if (!exists) {
        // Build under another name and rename when complete, so a crash never leaves a half template.
        const building = `${template}_building`;
        await admin.unsafe(`drop database if exists "${building}" with (force)`);
        await admin.unsafe(`create database "${building}"`);
        const db = await openDatabase({ kind: 'postgres', url: withDatabaseName(testDatabaseUrl!, building), poolSize: 1 });
        await migrate(db);
        await db.close();
        await admin.unsafe(`alter database "${building}" rename to "${template}"`);
      }
    } finally {
      await admin`select pg_advisory_unlock(7262012)`;
    }
    await admin.unsafe(`create database "${name}" template "${template}"`);
  } finally {
    await admin.end();
  }
  return { url: withDatabaseName(testDatabaseUrl!, name), drop: () => dropDatabase(name) };
}

export interface TestDatabase {
  database: Database;
  /** postgres:// URL of this file's database (PostgreSQL runs only), for second processes. */
  url: string | null;
  close(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  if (!testDatabaseUrl) {
    const database = await openDatabase({ kind: 'pglite', dataDir: null });
    await migrate(database);
    return { database, url: null, close: () => database.close() };
  }
  const fresh = await freshPostgresDatabase();
  const database = await openDatabase({ kind: 'postgres', url: fresh.url, poolSize: 5 });
  return {
    database,
    url: fresh.url,
    close: async () => {
      await database.close();
      await fresh.drop();
    },
  };
}

/** A bare fresh database URL with nothing in it (for tests of first start and migrations). */
export async function emptyPostgresDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const admin = postgres(testDatabaseUrl!, { max: 1, onnotice: () => {} });
  const name = `orgstack_e_${randomBytes(6).toString('hex')}`;
  await admin.unsafe(`create database "${name}"`);
  await admin.end();
  return { url: withDatabaseName(testDatabaseUrl!, name), drop: () => dropDatabase(name) };
}
