// The `orgstack` command: `serve` (the default) and the operator's tools. It opens the same
// database the server uses; on the embedded database it refuses while a server holds it.
import { parseArgs } from 'node:util';
import { eq, or, sql } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import { ConfigError, loadConfig, type Config } from './config.ts';
import type { Database, Db } from './db/index.ts';
import { migrate } from './db/migrate.ts';
import { DatabaseBusyError, openConfiguredDatabase } from './db/open.ts';
import { queryAudit } from './platform/audit-query.ts';
import { CredentialCache } from './platform/credential-cache.ts';
import { AppError } from './platform/errors.ts';
import { requestId } from './platform/ids.ts';
import { findKeyByIdOrPrefix, listKeys, mintKey, mintUserKey, revokeKey, rollKey, type ApiKeyView } from './platform/keys.ts';
import { ALL_PERMISSIONS } from './platform/permissions.ts';
import { isUuid, type ServiceContext } from './platform/principal.ts';
import { createRuntime } from './platform/runtime.ts';
import { tenants, users } from './platform/schema.ts';
import { generatePassword, hashPassword } from './platform/secrets.ts';
import { deleteUserSessions } from './platform/sessions.ts';
import { createDemoTenant, DEFAULT_DEMO_NAME, DEFAULT_DEMO_SEED, DEMO_DAYS, type DemoOptions } from './reviews/demo-data.ts';
import { MODULES } from './modules.ts';
import { serve } from './server.ts';

const HELP = `orgstack — self-hostable platform for service businesses and their AI agents

Usage: orgstack <command> [options]      (from a checkout: npm run cli -- <command>)

  serve                                  start the server (the default command)
  migrate                                apply database migrations and exit
  keys create --platform                 mint a platform key
  keys create --tenant <id|slug>         mint a tenant key
  keys create --user <username>          mint a user key (oxk_) for a tenant user
      [--name <text>] [--permissions a,b] [--limit <per hour>] [--expires <ISO date>]
  keys list [--tenant <id|slug>]         list keys (never the secrets)
  keys revoke <id|prefix>                revoke a key on every node within seconds
  keys roll <id|prefix> [--overlap 24h]  issue a new key; the old one lives for the overlap
  users reset-password <username>        set a new generated password and print it once
  audit tail [--tenant <id|slug>] [--key <id|prefix>] [--limit N] [--follow]
                                         print the newest audit rows (--follow keeps polling)
  demo [--name <text>] [--seed N]        create a demo tenant (two shops, 12 employees, 90 days
                                         of reviews and feedback) and print its sign-in once

Configuration comes from the environment (see README). DATABASE_URL selects PostgreSQL;
otherwise the embedded database in DATA_DIR (default ./data) is used.`;

class UsageError extends Error {}

/** node:util parseArgs rejects unknown or malformed options: bad usage, not a crash. */
const isParseArgsError = (err: unknown): err is Error =>
  err instanceof Error && String((err as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS_');

function parseDuration(value: string): number {
  const m = /^(\d+)\s*(s|m|h|d)?$/.exec(value.trim());
  if (!m) throw new UsageError(`Cannot read the duration "${value}" (use e.g. 30m, 24h, 7d)`);
  const unit = { s: 1, m: 60, h: 3600, d: 86400 }[(m[2] ?? 's') as 's' | 'm' | 'h' | 'd'];
  return Number(m[1]) * unit;
}

async function tenantIdOf(db: Db, ref: string): Promise<string> {
  const [t] = await db
    .select({ id: tenants.id })
    .from(tenants)
    .where(isUuid(ref) ? or(eq(tenants.id, ref), eq(tenants.slug, ref)) : eq(tenants.slug, ref));
  if (!t) throw new UsageError(`No tenant with id or slug "${ref}"`);
  return t.id;
}

function printKeys(keys: ApiKeyView[]) {
  if (keys.length === 0) return console.log('No keys.');
  const rows = keys.map((k) => [
    k.id,
    k.kind,
    k.prefix,
    k.name ?? '',
    String(k.hourlyLimit),
    k.revokedAt ? 'revoked' : k.expiresAt && new Date(k.expiresAt) <= new Date() ? 'expired' : k.expiresAt ? `until ${k.expiresAt}` : 'active',
    k.lastUsedAt ?? 'never',
  ]);
  const header = ['id', 'kind', 'prefix', 'name', 'limit/h', 'state', 'last used'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  for (const r of [header, ...rows]) console.log(r.map((c, i) => c.padEnd(widths[i])).join('  '));
}

async function keysCommand(database: Database, argv: string[]) {
  const db = database.db;
  const [sub, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      platform: { type: 'boolean' },
      tenant: { type: 'string' },
      user: { type: 'string' },
      name: { type: 'string' },
      permissions: { type: 'string' },
      limit: { type: 'string' },
      expires: { type: 'string' },
      overlap: { type: 'string' },
    },
  });
  const invalidate = () => new CredentialCache(database, 0).invalidateAll();

  switch (sub) {
    case 'create': {
      const targets = [values.platform, values.tenant, values.user].filter(Boolean).length;
      if (targets !== 1) throw new UsageError('Say exactly one of --platform, --tenant <id|slug>, --user <username>');
      const expiresAt = values.expires ? new Date(values.expires) : null;
      if (expiresAt && Number.isNaN(expiresAt.getTime())) throw new UsageError(`Cannot read the date "${values.expires}"`);
      const common = {
        name: values.name ?? null,
        permissions: values.permissions ? values.permissions.split(',').map((p) => p.trim()).filter(Boolean) : null,
        hourlyLimit: values.limit ? Number(values.limit) : undefined,
        expiresAt,
      };
      let minted;
      if (values.platform) minted = await mintKey(db, { kind: 'platform', ...common }, null);
      else if (values.tenant) minted = await mintKey(db, { kind: 'tenant', tenantId: await tenantIdOf(db, values.tenant), ...common }, null);
      else {
        const [u] = await db.select({ id: users.id }).from(users).where(sql`lower(${users.username}) = lower(${values.user!})`);
        if (!u) throw new UsageError(`No user "${values.user}"`);
        minted = await mintUserKey(db, u.id, common, null);
      }
      printKeys([minted.apiKey]);
      console.log(`\nKey (shown once, store it now):\n${minted.key}`);
      return;
    }
    case 'list': {
      const tenantId = values.tenant ? await tenantIdOf(db, values.tenant) : undefined;
      const { items, total } = await listKeys(db, { tenantId }, { limit: 500, offset: 0 });
      printKeys(items);
      if (total > items.length) console.log(`… ${total - items.length} more`);
      return;
    }
    case 'revoke': {
      if (!positionals[0]) throw new UsageError('Usage: orgstack keys revoke <id|prefix>');
      const key = await findKeyByIdOrPrefix(db, positionals[0]);
      printKeys([await revokeKey(db, key.id)]);
      await invalidate();
      return;
    }
    case 'roll': {
      if (!positionals[0]) throw new UsageError('Usage: orgstack keys roll <id|prefix> [--overlap 24h]');
      const key = await findKeyByIdOrPrefix(db, positionals[0]);
      const rolled = await rollKey(db, key.id, parseDuration(values.overlap ?? '24h'), null);
      await invalidate();
      printKeys([rolled.previous, rolled.apiKey]);
      console.log(`\nNew key (shown once, store it now):\n${rolled.key}`);
      return;
    }
    default:
      throw new UsageError('Usage: orgstack keys create|list|revoke|roll …');
  }
}

async function usersCommand(database: Database, argv: string[]) {
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

async function auditCommand(database: Database, argv: string[]) {
  const [sub, ...rest] = argv;
  if (sub !== 'tail') throw new UsageError('Usage: orgstack audit tail [--tenant <id|slug>] [--key <id|prefix>] [--limit N] [--follow]');
  const { values } = parseArgs({
    args: rest,
    options: { tenant: { type: 'string' }, key: { type: 'string' }, limit: { type: 'string' }, follow: { type: 'boolean' } },
  });
  const db = database.db;
  const tenantId = values.tenant ? await tenantIdOf(db, values.tenant) : undefined;
  const keyId = values.key ? (await findKeyByIdOrPrefix(db, values.key)).id : undefined;
  const limit = Math.min(500, Math.max(1, Number(values.limit ?? 20)));
  const print = (r: Awaited<ReturnType<typeof queryAudit>>['items'][number]) =>
    console.log(
      [r.at, r.status, r.method.padEnd(6), r.route, `${r.durationMs}ms`, r.principal ? `${r.principal.kind}:${r.principal.keyPrefix ?? r.principal.id}` : 'anonymous', r.ip ?? '', r.requestId].join('  '),
    );
  const { items } = await queryAudit(db, { tenantId, keyId }, { limit, offset: 0 });
  items.reverse().forEach(print);
  if (!values.follow) return;
  let since = items.length ? new Date(items[items.length - 1].at) : new Date();
  const seen = new Set(items.map((r) => r.id));
  for (;;) {
    await new Promise((r) => setTimeout(r, 1000));
    const { items: fresh } = await queryAudit(db, { tenantId, keyId, from: since }, { limit: 500, offset: 0 });
    for (const r of fresh.reverse()) {
      if (seen.has(r.id)) continue;
      seen.add(r.id);
      print(r);
      since = new Date(r.at);
    }
  }
}

/** The CLI's log: stdout carries the command's output, so warnings and errors go to stderr. */
function cliLogger(): FastifyBaseLogger {
  const write = (level: string) => (obj: unknown, msg?: string) => {
    const text = typeof obj === 'string' ? obj : (msg ?? '');
    const err = (obj as { err?: Error } | null)?.err;
    console.error(`${level}: ${text}${err ? ` (${err.message})` : ''}`);
  };
  const quiet = () => {};
  const log = { level: 'warn', fatal: write('fatal'), error: write('error'), warn: write('warn'), info: quiet, debug: quiet, trace: quiet, silent: quiet, child: () => log };
  return log as unknown as FastifyBaseLogger;
}

/** Read before the database is opened: bad usage costs no migration run. */
function demoOptions(argv: string[]): DemoOptions {
  const { values } = parseArgs({ args: argv, options: { name: { type: 'string' }, seed: { type: 'string' } } });
  const seed = values.seed === undefined ? DEFAULT_DEMO_SEED : Number(values.seed);
  if (!/^\d{1,10}$/.test(values.seed ?? '0') || seed > 0xffffffff) throw new UsageError(`The seed must be a whole number from 0 to 4294967295, not "${values.seed}"`);
  return { name: values.name ?? DEFAULT_DEMO_NAME, seed };
}

async function demoCommand(config: Config, database: Database, options: DemoOptions) {
  const rt = await createRuntime(config, database, cliLogger(), MODULES);
  // The operator at the console holds the platform's full authority (as with `keys create --platform`).
  const ctx: ServiceContext = {
    rt,
    requestId: requestId(),
    principal: { kind: 'platform_key', credentialId: 'cli', tenantId: null, userId: null, keyPrefix: null, permissions: new Set(ALL_PERMISSIONS), hourlyLimit: 0, human: true },
  };
  let demo;
  try {
    demo = await createDemoTenant(ctx, options);
  } finally {
    await rt.stop();
  }
  const n = (v: number) => v.toLocaleString('en-US');
  console.log(
    [
      `Created the demo tenant "${demo.name}" (${demo.vertical}, time zone ${demo.timezone}, seed ${demo.seed}).`,
      `  slug        ${demo.slug}`,
      `  id          ${demo.tenantId}`,
      `  activity    ${demo.shops} shops, ${demo.employees} employees, ${n(demo.sessions)} review visits and ${n(demo.feedback)} private feedback over ${DEMO_DAYS} days (${demo.from} to ${demo.to})`,
      `  dashboard   ${demo.dashboardUrl}`,
      '',
      '  Sign in with (the password is shown ONCE; store it now):',
      `    username  ${demo.loginUsername}`,
      `    password  ${demo.temporaryPassword}`,
      '  The password must be changed at first sign-in.',
    ].join('\n'),
  );
}

async function withDatabase(config: Config, fn: (database: Database) => Promise<void>) {
  const database = await openConfiguredDatabase(config, 'cli');
  try {
    // Migrate only: first-run credentials are created (and printed) by the server's first start.
    await migrate(database);
    await fn(database);
  } finally {
    await database.close();
  }
}

export async function main(argv: string[]): Promise<number> {
  const [command = 'serve', ...rest] = argv;
  try {
    const config = loadConfig();
    switch (command) {
      case 'serve':
        await serve(config);
        return -1; // keep running
      case 'migrate':
        await withDatabase(config, async () => console.log('Migrations applied.'));
        return 0;
      case 'keys':
        await withDatabase(config, (db) => keysCommand(db, rest));
        return 0;
      case 'users':
        await withDatabase(config, (db) => usersCommand(db, rest));
        return 0;
      case 'audit':
        await withDatabase(config, (db) => auditCommand(db, rest));
        return 0;
      case 'demo': {
        const options = demoOptions(rest);
        await withDatabase(config, (db) => demoCommand(config, db, options));
        return 0;
      }
      case 'help':
      case '--help':
      case '-h':
        console.log(HELP);
        return 0;
      default:
        console.error(`Unknown command "${command}".\n\n${HELP}`);
        return 2;
    }
  } catch (err) {
    if (err instanceof UsageError || err instanceof ConfigError || err instanceof DatabaseBusyError || isParseArgsError(err)) {
      console.error(err.message);
      return 2;
    }
    if (err instanceof AppError) {
      const details = err.fieldErrors ? Object.entries(err.fieldErrors).map(([f, m]) => `\n  ${f}: ${m.join('; ')}`).join('') : '';
      console.error(`${err.message}${details}`);
      return 1;
    }
    throw err;
  }
}

const code = await main(process.argv.slice(2));
if (code >= 0) process.exit(code);
