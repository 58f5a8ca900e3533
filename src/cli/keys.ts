// `orgstack keys create|list|revoke|roll`: API keys from the console. A new key is printed once;
// a revocation or roll also drops the key from every running node's cache.
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import type { Database } from '../db/index.ts';
import { CredentialCache } from '../platform/credential-cache.ts';
import { findKeyByIdOrPrefix, listKeys, mintKey, mintUserKey, revokeKey, rollKey, type ApiKeyView } from '../platform/keys.ts';
import { users } from '../platform/tables.ts';
import { parseDuration, tenantIdOf, UsageError } from './common.ts';

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

export async function keysCommand(database: Database, argv: string[]) {
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
