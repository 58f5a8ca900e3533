// Which redirect URIs a client may register (and a metadata document may name): https anywhere,
// or http on a loopback host (RFC 8252 §7.3), where any port is accepted at authorization time.
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

export function isLoopbackRedirect(uri: string): boolean {
  const url = URL.parse(uri);
  return url !== null && url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname);
}

export function allowedRedirectUri(uri: string): boolean {
  const url = URL.parse(uri);
  if (!url || url.hash) return false;
  return url.protocol === 'https:' || isLoopbackRedirect(uri);
}
