// oidc-provider, loaded without its "Unsupported runtime" line. Version 9 prints it on import on
// any Node before 22 LTS; orgstack supports Node 20.19+ (package.json engines) and its whole
// suite, OAuth included, runs on Node 20 in CI. Printed on every start and every CLI command, it
// would only alarm operators, so that one line — and nothing else — is dropped while it loads.
const warn = console.warn;
console.warn = (...args: unknown[]) => {
  if (typeof args[0] === 'string' && args[0].startsWith('oidc-provider WARNING: Unsupported runtime')) return;
  warn(...args);
};
let oidc: typeof import('oidc-provider');
try {
  oidc = await import('oidc-provider');
} finally {
  console.warn = warn;
}
export const Provider = oidc.default;
export const errors = oidc.errors;
