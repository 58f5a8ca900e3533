// `orgstack audit tail`: the newest audit rows, oldest first; `--follow` polls for new ones every second.
import { parseArgs } from 'node:util';
import type { Database } from '../db/index.ts';
import { queryAudit } from '../platform/audit-query.ts';
import { findKeyByIdOrPrefix } from '../platform/keys.ts';
import { tenantIdOf, UsageError } from './common.ts';

export async function auditCommand(database: Database, argv: string[]) {
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
