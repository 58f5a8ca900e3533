// What every command of the `orgstack` CLI shares: the usage error (exit 2), duration and tenant
// arguments, the database a command works on, and the CLI's own log.
import { eq, or } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../config.ts';
import type { Database, Db } from '../db/index.ts';
import { migrate } from '../db/migrate.ts';
import { openConfiguredDatabase } from '../db/open.ts';
import { isUuid } from '../platform/principal.ts';
import { tenants } from '../platform/tables.ts';

/** Bad usage: main prints the message and exits 2. */
export class UsageError extends Error {}

/** node:util parseArgs rejects unknown or malformed options: bad usage, not a crash. */
export const isParseArgsError = (err: unknown): err is Error =>
  err instanceof Error && String((err as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS_');

/** `30m`, `24h`, `7d`, `90` (seconds) → seconds. */
export function parseDuration(value: string): number {
  const m = /^(\d+)\s*(s|m|h|d)?$/.exec(value.trim());
  if (!m) throw new UsageError(`Cannot read the duration "${value}" (use e.g. 30m, 24h, 7d)`);
  const unit = { s: 1, m: 60, h: 3600, d: 86400 }[(m[2] ?? 's') as 's' | 'm' | 'h' | 'd'];
  return Number(m[1]) * unit;
}

/** A tenant named by id or slug on the command line. */
export async function tenantIdOf(db: Db, ref: string): Promise<string> {
  const [t] = await db
    .select({ id: tenants.id })
    .from(tenants)
    .where(isUuid(ref) ? or(eq(tenants.id, ref), eq(tenants.slug, ref)) : eq(tenants.slug, ref));
  if (!t) throw new UsageError(`No tenant with id or slug "${ref}"`);
  return t.id;
}

/** Opens the configured database, migrates it, runs `fn` on it and closes it again. */
export async function withDatabase(config: Config, fn: (database: Database) => Promise<void>) {
  const database = await openConfiguredDatabase(config, 'cli');
  try {
    // Migrate only: first-run credentials are created (and printed) by the server's first start.
    await migrate(database);
    await fn(database);
  } finally {
    await database.close();
  }
}

/** The CLI's log: stdout carries the command's output, so warnings and errors go to stderr. */
export function cliLogger(): FastifyBaseLogger {
  const write = (level: string) => (obj: unknown, msg?: string) => {
    const text = typeof obj === 'string' ? obj : (msg ?? '');
    const err = (obj as { err?: Error } | null)?.err;
    console.error(`${level}: ${text}${err ? ` (${err.message})` : ''}`);
  };
  const quiet = () => {};
  const log = { level: 'warn', fatal: write('fatal'), error: write('error'), warn: write('warn'), info: quiet, debug: quiet, trace: quiet, silent: quiet, child: () => log };
  return log as unknown as FastifyBaseLogger;
}
