// DNS rebinding protection for /mcp (the MCP transport spec's "MUST validate Origin"): a page on
// another site that resolves its own name to this server must not reach the tools. The Host must
// be PUBLIC_URL's host or a loopback name; an Origin, when a browser sends one, must be
// PUBLIC_URL's origin or a loopback origin (local tools such as the MCP Inspector). Non-browser
// clients send no Origin and pass.
import type { FastifyRequest } from 'fastify';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

export function originGuard(publicUrl: string) {
  const own = new URL(publicUrl);
  const allowedHost = (hostname: string) => hostname === own.hostname || LOOPBACK.has(hostname);
  /** Null when the request may proceed, else why not. */
  return (request: FastifyRequest): string | null => {
    const hostHeader = request.headers.host;
    let hostname: string;
    try {
      hostname = new URL(`http://${hostHeader}`).hostname;
    } catch {
      return 'Invalid Host header';
    }
    if (!hostHeader || !allowedHost(hostname)) return `Host ${JSON.stringify(String(hostHeader ?? '').slice(0, 100))} is not this server`;
    const origin = request.headers.origin;
    if (origin === undefined) return null;
    try {
      const url = new URL(origin);
      if (url.origin === own.origin || (LOOPBACK.has(url.hostname) && (url.protocol === 'http:' || url.protocol === 'https:'))) return null;
    } catch {
      // an Origin that does not parse ("null" from a sandboxed page) is foreign
    }
    return `Origin ${JSON.stringify(origin.slice(0, 100))} is not allowed to use this MCP server`;
  };
}
