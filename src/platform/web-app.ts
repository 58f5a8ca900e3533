// Serves the dashboard single-page app (web/, built by Vite into web/dist) at /dashboard/* and
// /super/*: hashed assets under /dashboard/assets/ cached for a year, every other path answered
// with index.html (never cached) so the client router can take it. No auth at this layer: the
// app asks GET /api/v1/auth/session and shows sign-in on 401. Nothing here is audited.
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export const WEB_DIST = path.resolve(import.meta.dirname, '../../web/dist');

/** The app loads only its own files and talks only to its own origin. */
export const DASHBOARD_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

export const BUILD_HINT = 'The dashboard is not built (web/dist is missing). Run `npm run build:web` (npm install does it too), then reload.';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

/** Vite writes hashed, flat file names; anything else (slashes, dots up, encodings) is not ours. */
const ASSET_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

interface StaticFile {
  type: string;
  body: Buffer;
  br?: Buffer;
  gzip?: Buffer;
}

interface Bundle {
  /** index.html's mtime: a rebuild while the server runs is picked up on the next page load. */
  version: number;
  index: StaticFile;
  assets: Map<string, StaticFile>;
}

function readFile(file: string): StaticFile {
  const read = (suffix: string) => (fs.existsSync(file + suffix) ? fs.readFileSync(file + suffix) : undefined);
  return { type: TYPES[path.extname(file)] ?? 'application/octet-stream', body: fs.readFileSync(file), br: read('.br'), gzip: read('.gz') };
}

function loadBundle(dist: string): Bundle | null {
  const indexFile = path.join(dist, 'index.html');
  let version: number;
  try {
    version = fs.statSync(indexFile).mtimeMs;
  } catch {
    return null;
  }
  const assets = new Map<string, StaticFile>();
  const dir = path.join(dist, 'assets');
  if (fs.existsSync(dir)) {
    for (const name of fs.readdirSync(dir)) {
      if (name.endsWith('.br') || name.endsWith('.gz') || !ASSET_NAME.test(name)) continue;
      assets.set(name, readFile(path.join(dir, name)));
    }
  }
  return { version, index: readFile(indexFile), assets };
}

/** Picks the precompressed variant the client accepts (q=0 means "not this one"). */
function negotiate(request: FastifyRequest, file: StaticFile): { body: Buffer; encoding: string | null } {
  const header = request.headers['accept-encoding'];
  const accepted = new Set(
    (typeof header === 'string' ? header : '')
      .split(',')
      .map((part) => part.trim().toLowerCase().split(';'))
      .filter(([, q]) => !q || !/^\s*q=0(\.0*)?\s*$/.test(q))
      .map(([name]) => name.trim()),
  );
  if (file.br && accepted.has('br')) return { body: file.br, encoding: 'br' };
  if (file.gzip && accepted.has('gzip')) return { body: file.gzip, encoding: 'gzip' };
  return { body: file.body, encoding: null };
}

function securityHeaders(reply: FastifyReply) {
  reply
    .header('content-security-policy', DASHBOARD_CSP)
    .header('x-content-type-options', 'nosniff')
    .header('x-frame-options', 'DENY')
    .header('referrer-policy', 'same-origin')
    .header('cross-origin-opener-policy', 'same-origin');
}

function send(request: FastifyRequest, reply: FastifyReply, file: StaticFile, cacheControl: string) {
  const { body, encoding } = negotiate(request, file);
  securityHeaders(reply);
  reply.header('cache-control', cacheControl).header('vary', 'accept-encoding').type(file.type);
  if (encoding) reply.header('content-encoding', encoding);
  return reply.send(body);
}

export function webAppRoutes(app: FastifyInstance, opts: { distDir?: string } = {}) {
  const dist = opts.distDir ?? WEB_DIST;
  let bundle = loadBundle(dist);
  if (!bundle) app.log.warn(BUILD_HINT);

  /** The current build, reloaded when index.html changed (or appeared) since it was read. */
  function current(): Bundle | null {
    let mtime: number;
    try {
      mtime = fs.statSync(path.join(dist, 'index.html')).mtimeMs;
    } catch {
      return (bundle = null);
    }
    if (bundle?.version !== mtime) bundle = loadBundle(dist);
    return bundle;
  }

  const notBuilt = (reply: FastifyReply) => {
    securityHeaders(reply);
    return reply.code(503).header('cache-control', 'no-store').type('text/plain; charset=utf-8').send(BUILD_HINT + '\n');
  };

  const page = async (request: FastifyRequest, reply: FastifyReply) => {
    const b = current();
    if (!b) return notBuilt(reply);
    return send(request, reply, b.index, 'no-cache');
  };

  const asset = async (request: FastifyRequest<{ Params: { '*': string } }>, reply: FastifyReply) => {
    const b = current();
    if (!b) return notBuilt(reply);
    const name = request.params['*'];
    const file = ASSET_NAME.test(name) ? b.assets.get(name) : undefined;
    if (!file) {
      securityHeaders(reply);
      return reply.code(404).header('cache-control', 'no-store').type('text/plain; charset=utf-8').send('Not found\n');
    }
    return send(request, reply, file, 'public, max-age=31536000, immutable');
  };

  const hide = { schema: { hide: true } };
  app.get('/dashboard/assets/*', hide, asset);
  for (const url of ['/dashboard', '/dashboard/*', '/super', '/super/*']) app.get(url, hide, page);
}
