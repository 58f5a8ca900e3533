// `orgstack serve`: open the database, migrate (and on an empty database create the superadmin
// and first platform key), listen, and shut down gracefully on SIGTERM/SIGINT. Each step says so
// on stdout as it begins, so a slow first start (the embedded database initialising, migrations)
// is never silent.
import type { Config } from './config.ts';
import { buildApp } from './app.ts';
import { migrate } from './db/migrate.ts';
import { openConfiguredDatabase, releaseEmbeddedLock } from './db/open.ts';
import { ensureFirstRun, type FirstRunCredentials } from './platform/first-run.ts';
import { VERSION } from './platform/discovery.ts';
import { resolveServerSecret } from './platform/server-secret.ts';

/**
 * Stops the server when the process that started it goes away. `npm start` runs us under
 * `sh -c`; `kill <npm's pid>` ends npm and that shell but would leave this process serving,
 * orphaned (package.json's `exec` covers the usual case; this covers a wrapper killed outright).
 * Started directly by an init system (parent pid 1) there is nothing to watch.
 */
function watchParent(onExit: () => void) {
  const parent = process.ppid;
  if (parent <= 1) return;
  const timer = setInterval(() => {
    if (process.ppid !== parent) {
      clearInterval(timer);
      onExit();
    }
  }, 1000);
  timer.unref();
}

/** One progress line (not a log record: it is for the person watching the terminal). */
const progress = (line: string) => process.stdout.write(`orgstack: ${line}\n`);

export async function serve(config: Config) {
  progress(
    config.databaseUrl
      ? `starting version ${VERSION}; connecting to PostgreSQL…`
      : `starting version ${VERSION}; opening the embedded database in ${config.dataDir} (the first start takes a few seconds longer)…`,
  );
  const database = await openConfiguredDatabase(config, 'server');
  let firstRun: FirstRunCredentials | null | undefined;
  try {
    progress('applying database migrations…');
    firstRun = await migrate(database, ensureFirstRun);
  } catch (err) {
    await database.close();
    releaseEmbeddedLock(config);
    throw err;
  }
  progress('database ready; starting the HTTP server…');
  const secret = resolveServerSecret(config);
  const { app } = await buildApp({ ...config, secret: secret.secret }, database);

  if (!config.publicUrlExplicit) {
    app.log.warn(`PUBLIC_URL is not set; links will use ${config.publicUrl}. Set it to the address people and agents reach.`);
  }
  if (secret.generated && config.databaseUrl) {
    app.log.warn('ORGSTACK_SECRET is not set; generated one in the data directory. Every node sharing this database must use the same ORGSTACK_SECRET.');
  }

  progress(`listening on ${config.host}:${config.port}…`);
  const address = await app.listen({ port: config.port, host: config.host });
  const base = config.publicUrl;
  const lines = [
    '',
    `orgstack is running on ${database.kind === 'pglite' ? `embedded PGlite (${config.dataDir})` : 'PostgreSQL'}, listening at ${address}`,
    `  Home       ${base}/`,
    `  Dashboard  ${base}/dashboard  (operators: ${base}/super)`,
    `  API        ${base}/api/v1`,
    `  API docs   ${base}/docs`,
    `  OpenAPI    ${base}/api/v1/openapi`,
    `  Agents     ${base}/.well-known/agent.json`,
  ];
  if (firstRun) {
    lines.push(
      '',
      '  First start: created the superadmin and a platform key. They are shown ONCE; store them now.',
      `    username      ${firstRun.username}`,
      `    password      ${firstRun.password}`,
      `    platform key  ${firstRun.platformKey}`,
      '  Lost them? `npm run cli -- users reset-password admin` and `npm run cli -- keys create --platform`.',
    );
  }
  process.stdout.write(lines.join('\n') + '\n\n');

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down: finishing in-flight requests and flushing buffers');
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    try {
      await app.close();
      await database.close();
    } finally {
      releaseEmbeddedLock(config);
    }
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
  watchParent(() => void shutdown('parent exited'));
  return app;
}
