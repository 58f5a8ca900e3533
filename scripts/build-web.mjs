#!/usr/bin/env node
// `npm run build:web` (and the `prepare` script, so `npm install` / `npm ci` run it): builds the
// dashboard (web/) into web/dist with Vite, then writes .br and .gz beside every text asset so
// the server sends them precompressed. Without Vite (an install that omitted devDependencies) it
// says so and leaves the server to answer /dashboard with the same hint, instead of failing.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const web = path.join(root, 'web');
const dist = path.join(web, 'dist');

let vite;
try {
  vite = await import('vite');
} catch {
  console.warn('orgstack: Vite is not installed (devDependencies omitted?); the dashboard is not built. Run `npm install` then `npm run build:web`.');
  process.exit(0);
}

await vite.build({ configFile: path.join(web, 'vite.config.ts'), logLevel: process.env.CI ? 'warn' : 'info' });

const COMPRESSIBLE = /\.(html|js|css|svg|json)$/;
let raw = 0;
let brotli = 0;
for (const file of walk(dist)) {
  if (!COMPRESSIBLE.test(file)) continue;
  const body = fs.readFileSync(file);
  const br = zlib.brotliCompressSync(body, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length } });
  fs.writeFileSync(`${file}.br`, br);
  fs.writeFileSync(`${file}.gz`, zlib.gzipSync(body, { level: 9 }));
  raw += body.length;
  brotli += br.length;
}
console.log(`orgstack: dashboard built into web/dist (${(raw / 1024).toFixed(1)} KB, ${(brotli / 1024).toFixed(1)} KB brotli)`);

function walk(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}
