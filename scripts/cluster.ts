// `npm run cluster -- [n=3] [--base-port P] [--lb-port L]`: N orgstack nodes on one PostgreSQL
// (DATABASE_URL) behind HAProxy, until Ctrl-C. docs/scale-out.md explains what runs and why.
import { parseArgs } from 'node:util';
import { ensureHaproxy, HaproxyMissing } from './cluster/haproxy.ts';
import { startCluster } from './cluster/start.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { 'base-port': { type: 'string', default: '3001' }, 'lb-port': { type: 'string', default: '3000' } },
});
const nodes = Number(positionals[0] ?? 3);
const basePort = Number(values['base-port']);
const lbPort = Number(values['lb-port']);
if (!Number.isInteger(nodes) || nodes < 1 || nodes > 32 || !Number.isInteger(basePort) || !Number.isInteger(lbPort)) {
  console.error('usage: npm run cluster -- [nodes=3] [--base-port 3001] [--lb-port 3000]');
  process.exit(2);
}
const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const secret = process.env.ORGSTACK_SECRET;

let haproxy: string;
try {
  haproxy = ensureHaproxy();
} catch (err) {
  if (!(err instanceof HaproxyMissing)) throw err;
  console.error(err.message);
  process.exit(2);
}

console.log(`starting ${nodes} node(s) on ${databaseUrl.replace(/\/\/[^@]*@/, '//')} and HAProxy on port ${lbPort}…`);
const ports = Array.from({ length: nodes }, (_, i) => basePort + i);
const cluster = await startCluster({ ports, databaseUrl, lbPort, haproxy, secret, env: { LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' } }).catch((err: Error) => {
  console.error(`the cluster did not start: ${err.message}`);
  process.exit(1);
});
const lines = [
  '',
  `orgstack cluster: ${nodes} node(s) behind HAProxy`,
  `  Load balancer  ${cluster.lbUrl}   (use this one)`,
  ...cluster.nodes.map((n) => `  ${n.name.padEnd(13)}  ${n.url}`),
  '',
  secret
    ? '  ORGSTACK_SECRET from the environment, shared by every node.'
    : '  ORGSTACK_SECRET: generated for this run and shared by every node; set it to keep sessions across runs.',
];
const firstRun = cluster.nodes.map((n) => /^ *First start:[^]*?(?=^\s*$)/m.exec(n.output())?.[0]).find(Boolean);
if (firstRun) {
  lines.push('  The database was empty: the first node created the superadmin and a platform key.', firstRun);
} else {
  lines.push('  A platform key: `DATABASE_URL=… npm run cli -- keys create --platform --name ops`');
}
lines.push('  Ctrl-C stops HAProxy and drains every node.', '');
console.log(lines.join('\n'));

// From now on each node's output (warnings, errors) and HAProxy's (a node going DOWN or UP)
// goes on, marked with its name.
cluster.haproxy.child.stderr!.on('data', (d: Buffer) => process.stderr.write(String(d).replace(/^(?=.)/gm, '[haproxy] ')));
for (const n of cluster.nodes) {
  n.child.stdout!.on('data', (d: Buffer) => process.stdout.write(String(d).replace(/^(?=.)/gm, `[${n.name}] `)));
  n.child.stderr!.on('data', (d: Buffer) => process.stderr.write(String(d).replace(/^(?=.)/gm, `[${n.name}] `)));
  void n.exited.then(() => {
    if (!stopping) console.error(`${n.name} exited (code ${n.child.exitCode}, signal ${n.child.signalCode}); HAProxy sends its share to the others.`);
  });
}

let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  console.log('stopping HAProxy and the nodes…');
  await cluster.stop();
  process.exit(0);
};
process.once('SIGINT', () => void shutdown());
process.once('SIGTERM', () => void shutdown());
