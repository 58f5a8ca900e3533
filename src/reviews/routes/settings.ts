// A tenant's Reviews settings: threshold, language, brand colours, listings.
import { z } from 'zod';
import { defineOperation } from '../../platform/operations.ts';
import { tenantIdParams } from '../../platform/tenant-schemas.ts';
import { getSettings, updateSettings } from '../settings.ts';
import { settingsPatchSchema, settingsSchema } from '../settings-schemas.ts';

const tags = ['Settings'];

export const getSettingsOperation = defineOperation({
  id: 'getSettings',
  method: 'GET',
  path: '/tenants/:tenantId/settings',
  permission: 'settings:read',
  tags,
  summary: "Get a tenant's settings",
  input: { params: tenantIdParams },
  output: z.object({ settings: settingsSchema }),
  run: async (ctx, { params }) => ({ settings: await getSettings(ctx, params.tenantId) }),
});

export const updateSettingsOperation = defineOperation({
  id: 'updateSettings',
  method: 'PATCH',
  path: '/tenants/:tenantId/settings',
  permission: 'settings:write',
  tags,
  summary: "Change a tenant's settings",
  description: 'Absent fields stay as they are; null clears a nullable one. URLs are validated as in provisioning.',
  input: { params: tenantIdParams, body: settingsPatchSchema },
  output: z.object({ settings: settingsSchema }),
  run: async (ctx, { params, body }) => ({ settings: await updateSettings(ctx, params.tenantId, body) }),
});

export const settingsOperations = [getSettingsOperation, updateSettingsOperation];
