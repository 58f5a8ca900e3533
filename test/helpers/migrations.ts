// For tests of a data migration: an empty database, and the migrations that came before a given
// one as a folder of their own, so a test can write rows the old way and then migrate the rest.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { migrate as drizzleMigrate } from 'drizzle-orm/postgres-js/migrator';
import { openDatabase, type Database } from '../../src/db/index.ts';
import { migrationsFolder } from '../../src/db/migrate.ts';
import { emptyPostgresDatabase, onPostgres } from './db.ts';

export interface MigrationBench {
  database: Database;
  /** Applies every migration before `tag`. */
  migrateBefore(): Promise<void>;
  /** Applies the rest. */
  migrateAll(): Promise<void>;
  close(): Promise<void>;
}

export async function migrationBench(tag: string): Promise<MigrationBench> {
  let drop: (() => Promise<void>) | null = null;
  let database: Database;
  if (onPostgres) {
    const empty = await emptyPostgresDatabase();
    drop = empty.drop;
    database = await openDatabase({ kind: 'postgres', url: empty.url, poolSize: 1 });
  } else {
    database = await openDatabase({ kind: 'pglite', dataDir: null });
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'orgstack-migrations-'));
  fs.mkdirSync(path.join(tmp, 'meta'));
  const journal = JSON.parse(fs.readFileSync(path.join(migrationsFolder, 'meta/_journal.json'), 'utf8'));
  const idx = journal.entries.findIndex((e: { tag: string }) => e.tag === tag);
  assert.ok(idx > 0, `migration ${tag} exists`);
  journal.entries = journal.entries.slice(0, idx);
  fs.writeFileSync(path.join(tmp, 'meta/_journal.json'), JSON.stringify(journal));
  for (const e of journal.entries) fs.copyFileSync(path.join(migrationsFolder, `${e.tag}.sql`), path.join(tmp, `${e.tag}.sql`));
  return {
    database,
    migrateBefore: () => drizzleMigrate(database.db as never, { migrationsFolder: tmp }),
    migrateAll: () => drizzleMigrate(database.db as never, { migrationsFolder }),
    async close() {
      await database.close();
      await drop?.();
      fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
}
