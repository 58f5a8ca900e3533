// /api/v1/auth/connected-apps: the signed-in person's OAuth grants, for the dashboard's
// "Connected apps". Like the personal keys beside them, part of the cookie surface under
// /api/v1/auth: served, left out of the OpenAPI document and agent.json, documented in the README.
import { z } from 'zod';
import { ANY_CREDENTIAL, defineOperation } from '../platform/operations.ts';
import { listConnectedApps, revokeConnectedApp } from './connected-apps.ts';

const tags = ['Connected apps'];
const sessionOnly = 'Not a dashboard session';

const connectedAppSchema = z
  .object({
    id: z.string().describe('The grant id'),
    clientId: z.string(),
    clientName: z.string(),
    scopes: z.array(z.string()),
    tenant: z.object({ id: z.uuid(), name: z.string() }),
    createdAt: z.iso.datetime(),
    lastUsedAt: z.iso.datetime().nullable().describe('Updated at most about once a minute'),
    expiresAt: z.iso.datetime().describe('Moves forward with every refresh; an unused connection ends'),
  })
  .meta({ id: 'ConnectedApp' });

export const listConnectedAppsOperation = defineOperation({
  id: 'listConnectedApps',
  method: 'GET',
  path: '/auth/connected-apps',
  permission: ANY_CREDENTIAL,
  hidden: true,
  tags,
  summary: "List the apps the signed-in user connected through OAuth (MCP clients)",
  description: 'Dashboard sessions only (403 for keys). Newest first.',
  input: {},
  output: z.object({ connectedApps: z.array(connectedAppSchema) }),
  errors: { 403: sessionOnly },
  run: async (ctx) => ({ connectedApps: await listConnectedApps(ctx) }),
});

export const revokeConnectedAppOperation = defineOperation({
  id: 'revokeConnectedApp',
  method: 'DELETE',
  path: '/auth/connected-apps/:grantId',
  permission: ANY_CREDENTIAL,
  hidden: true,
  tags,
  summary: 'Disconnect an app',
  description: "Dashboard sessions only. Ends the grant and every token it issued, on every node within seconds. Another user's grant is 404.",
  input: { params: z.object({ grantId: z.string().min(1).max(100) }) },
  output: z.null().describe('Disconnected'),
  status: 204,
  errors: { 403: sessionOnly },
  async run(ctx, { params }) {
    await revokeConnectedApp(ctx, params.grantId);
    return null;
  },
});

export const connectedAppOperations = [listConnectedAppsOperation, revokeConnectedAppOperation];
