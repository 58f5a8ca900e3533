import type { FastifyInstance } from 'fastify';
import { sql } from 'drizzle-orm';
import { appliedMigrations, expectedMigrations } from '../db/migrate.ts';
import type { Runtime } from './runtime.ts';

/** /healthz: the process is up. /readyz: the database answers and has every migration. */
export function healthRoutes(app: FastifyInstance, rt: Runtime) {
  const expected = expectedMigrations();
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (_req, reply) => {
    try {
      await rt.db.execute(sql`select 1`);
      const applied = await appliedMigrations(rt.db);
      if (applied < expected) return reply.code(503).send({ status: 'migrating', applied, expected });
      return { status: 'ready' };
    } catch {
      return reply.code(503).send({ status: 'database unreachable' });
    }
  });
}
