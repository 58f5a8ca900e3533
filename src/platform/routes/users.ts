// A tenant's people: invitations by email, roles, removal.
import { z } from 'zod';
import { defineOperation } from '../operations.ts';
import { tenantIdParams } from '../tenant-schemas.ts';
import { changeUserRole, inviteUser, listUsers, removeUser, TENANT_ROLES } from '../users.ts';

const tags = ['Users'];

const EXAMPLE_USER_ID = '0193b5d2-7c1a-7a3e-9f4e-2b1c3d4e5f61';
const role = z.enum(TENANT_ROLES).describe('owner and admin: every tenant permission; member: every read');

export const tenantUserSchema = z
  .object({
    id: z.uuid(),
    username: z.string().describe('Signs in with this or the email'),
    email: z.string().nullable(),
    role,
    createdAt: z.iso.datetime(),
    invitedAt: z.iso.datetime().nullable().describe('When the user was invited by email; null for the provisioned owner'),
    pending: z.boolean().describe('Has not chosen a password yet (the invitation is unanswered)'),
  })
  .meta({
    id: 'TenantUser',
    example: {
      id: EXAMPLE_USER_ID,
      username: 'mei.lin',
      email: 'mei.lin@example.com',
      role: 'member',
      createdAt: '2025-01-15T09:30:00.000Z',
      invitedAt: '2025-01-15T09:30:00.000Z',
      pending: true,
    },
  });

const inviteBodySchema = z
  .strictObject({ email: z.email().max(254).describe("The invitee's email; the invitation link goes there"), role })
  .meta({ id: 'InviteUserRequest', example: { email: 'mei.lin@example.com', role: 'member' } });

const roleBodySchema = z.strictObject({ role }).meta({ id: 'ChangeUserRoleRequest', example: { role: 'admin' } });

const userParams = tenantIdParams.extend({ userId: z.uuid().describe('The user id') });
const userResponse = z.object({ user: tenantUserSchema });

const OWNER_RULE =
  'Owners and admins manage users; only an owner (or a platform credential) may make someone owner, or change or remove an owner — an admin or a tenant key gets 403 there.';

export const listUsersOperation = defineOperation({
  id: 'listUsers',
  method: 'GET',
  path: '/tenants/:tenantId/users',
  permission: 'users:read',
  tags,
  summary: "List a tenant's users",
  description: 'Oldest first, invited users who have not chosen a password yet included (`pending`).',
  input: { params: tenantIdParams },
  output: z.object({ users: z.array(tenantUserSchema) }),
  run: async (ctx, { params }) => ({ users: await listUsers(ctx, params.tenantId) }),
});

export const inviteUserOperation = defineOperation({
  id: 'inviteUser',
  method: 'POST',
  path: '/tenants/:tenantId/users',
  permission: 'users:write',
  tags,
  summary: 'Invite a user by email',
  description: `Creates the user without a password and emails an invitation link (\`/dashboard/accept-invite?token=…\`, single use, valid 7 days) where they choose one; the username is derived from the email. ${OWNER_RULE}`,
  input: { params: tenantIdParams, body: inviteBodySchema },
  output: userResponse,
  status: 201,
  errors: { 409: 'A user with this email already belongs to this tenant' },
  run: async (ctx, { params, body }) => ({ user: await inviteUser(ctx, params.tenantId, body) }),
});

export const changeUserRoleOperation = defineOperation({
  id: 'changeUserRole',
  method: 'PATCH',
  path: '/tenants/:tenantId/users/:userId',
  permission: 'users:write',
  tags,
  summary: "Change a user's role",
  description: `Takes effect at once on the user's open sessions and keys. ${OWNER_RULE} The last owner cannot be demoted (409 \`last_owner\`).`,
  input: { params: userParams, body: roleBodySchema },
  output: userResponse,
  errors: { 409: 'The last owner cannot be demoted (`last_owner`)' },
  run: async (ctx, { params, body }) => ({ user: await changeUserRole(ctx, params.tenantId, params.userId, body) }),
});

export const removeUserOperation = defineOperation({
  id: 'removeUser',
  method: 'DELETE',
  path: '/tenants/:tenantId/users/:userId',
  permission: 'users:write',
  tags,
  summary: 'Remove a user',
  description: `The user's sessions and user keys stop working at once; unused invitation links die. ${OWNER_RULE} The last owner cannot be removed (409 \`last_owner\`).`,
  input: { params: userParams },
  output: z.null().describe('Removed'),
  status: 204,
  errors: { 409: 'The last owner cannot be removed (`last_owner`)' },
  async run(ctx, { params }) {
    await removeUser(ctx, params.tenantId, params.userId);
    return null;
  },
});

export const userOperations = [listUsersOperation, inviteUserOperation, changeUserRoleOperation, removeUserOperation];
