// What an MCP client may ask for (work-api.md §6): the Work scopes, the Reviews permissions, and
// offline_access (a refresh token). Each scope is also the permission string the services check,
// so a token's powers are simply its scopes ∩ the user's role (access-tokens.ts).
export const OFFLINE_ACCESS = 'offline_access';

/** Scope → what it lets the app do, in words for the consent page and Connected apps. */
export const SCOPE_WORDS: Record<string, string> = {
  'decisions:read': 'See decisions and the ones waiting for you',
  'decisions:write': 'Create decisions and approve or reject them',
  'agents:read': 'See agents, their runs and their quality',
  'agents:write': 'Create and change agents, and spawn their work',
  'initiatives:read': 'See initiatives, workstreams, milestones and tasks',
  'initiatives:write': 'Create and change initiatives, workstreams, milestones and tasks',
  'memory:read': 'Search the workspace memory',
  'tenants:read': 'See your business’s details',
  'shops:read': 'See your shops',
  'shops:write': 'Create and change shops',
  'employees:read': 'See employees and their review links',
  'employees:write': 'Add and change employees',
  'templates:read': 'See message templates',
  'templates:write': 'Change message templates',
  'analytics:read': 'See review analytics',
  'feedback:read': 'Read customer feedback',
  'feedback:write': 'Resolve customer feedback',
  [OFFLINE_ACCESS]: 'Stay connected when you are away (a refresh token, up to 30 days unused)',
};

/** Every scope the server grants, offline_access included. */
export const SCOPES: readonly string[] = Object.keys(SCOPE_WORDS);
/** The scopes that are permissions (all but offline_access). */
export const PERMISSION_SCOPES: readonly string[] = SCOPES.filter((s) => s !== OFFLINE_ACCESS);

/** RFC 8707: the one resource tokens are issued for, and the audience they carry. */
export const mcpResource = (publicUrl: string) => `${publicUrl}/mcp`;
