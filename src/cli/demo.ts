// `orgstack demo`: a living demo tenant (provisioned like POST /api/v1/tenants in demo mode, plus
// shops, employees and 90 days of reviews; every module's demo part, e.g. Work's board and inbox),
// its owner's sign-in printed once, and the URLs under the configured PUBLIC_URL (or port).
import { parseArgs } from 'node:util';
import type { Config } from '../config.ts';
import type { Database } from '../db/index.ts';
import { requestId } from '../platform/ids.ts';
import { ALL_PERMISSIONS } from '../platform/permissions.ts';
import type { ServiceContext } from '../platform/principal.ts';
import { createRuntime } from '../platform/runtime.ts';
import { createDemoTenant, DEFAULT_DEMO_NAME, DEFAULT_DEMO_SEED, DEMO_DAYS, type DemoOptions } from '../reviews/demo-data.ts';
import { MODULES } from '../modules.ts';
import { cliLogger, UsageError } from './common.ts';

/** Read before the database is opened: bad usage costs no migration run. */
export function demoOptions(argv: string[]): DemoOptions {
  const { values } = parseArgs({ args: argv, options: { name: { type: 'string' }, seed: { type: 'string' } } });
  const seed = values.seed === undefined ? DEFAULT_DEMO_SEED : Number(values.seed);
  if (!/^\d{1,10}$/.test(values.seed ?? '0') || seed > 0xffffffff) throw new UsageError(`The seed must be a whole number from 0 to 4294967295, not "${values.seed}"`);
  return { name: values.name ?? DEFAULT_DEMO_NAME, seed };
}

export async function demoCommand(config: Config, database: Database, options: DemoOptions) {
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
  const base = config.publicUrl;
  const moduleLines = Object.entries(demo.modules).map(([name, m]) => `  ${name.padEnd(11)} ${m.summary}`);
  console.log(
    [
      `Created the demo tenant "${demo.name}" (${demo.vertical}, time zone ${demo.timezone}, seed ${demo.seed}).`,
      `  slug        ${demo.slug}`,
      `  id          ${demo.tenantId}`,
      `  reviews     ${demo.shops} shops, ${demo.employees} employees, ${n(demo.sessions)} review visits and ${n(demo.feedback)} private feedback over ${DEMO_DAYS} days (${demo.from} to ${demo.to})`,
      ...moduleLines,
      '',
      `  Start the server (npm start), then open:`,
      `    dashboard    ${demo.dashboardUrl}`,
      `    work board   ${base}/dashboard/initiatives`,
      `    decisions    ${base}/dashboard/decisions`,
      `    review page  ${demo.reviewPageUrl}  (what a customer sees after scanning a QR code)`,
      `    API docs     ${base}/docs`,
      ...(config.publicUrlExplicit ? [] : [`  (PUBLIC_URL is not set, so these use ${base}; set PUBLIC_URL and PORT as for the server.)`]),
      '',
      '  Sign in with (the password is shown ONCE; store it now):',
      `    username  ${demo.loginUsername}`,
      `    password  ${demo.temporaryPassword}`,
      '  The password must be changed at first sign-in.',
    ].join('\n'),
  );
}
