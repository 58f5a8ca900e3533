import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { tenantIdParams } from '../tenant-schemas.ts';
import { contextOf } from '../authenticate.ts';
import { errorResponse } from '../http-errors.ts';
import type { Runtime } from '../runtime.ts';
import { changeUserRole, inviteUser, listUsers, removeUser, TENANT_ROLES } from '../users.ts';

const EXAMPLE_USER_ID = '0193b5d2-7c1a-7a3e-9f4e-2b1c3d4e5f61';
const role = z.enum(TENANT_ROLES).describe('owner and admin: every tenant permission; member: every read');

const tenantUserSchema = z
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

export function userRoutes(app: FastifyInstance, rt: Runtime) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['Users'];

  r.get(
    '/api/v1/tenants/:tenantId/users',
    {
      config: { permission: 'users:read' },
      schema: {
        operationId: 'listUsers',
        tags,
        summary: "List a tenant's users",
        description: 'Oldest first, invited users who have not chosen a password yet included (`pending`).',
        params: tenantIdParams,
        response: { 200: z.object({ users: z.array(tenantUserSchema) }) },
      },
    },
    async (req) => ({ users: await listUsers(contextOf(req, rt), req.params.tenantId) }),
  );

  r.post(
    '/api/v1/tenants/:tenantId/users',
    {
      config: { permission: 'users:write' },
      schema: {
        operationId: 'inviteUser',
        tags,
        summary: 'Invite a user by email',
        description: `Creates the user without a password and emails an invitation link (\`/dashboard/accept-invite?token=…\`, single use, valid 7 days) where they choose one; the username is derived from the email. ${OWNER_RULE}`,
        params: tenantIdParams,
        body: inviteBodySchema,
        response: { 201: userResponse, 409: errorResponse('A user with this email already belongs to this tenant') },
      },
    },
    async (req, reply) => reply.code(201).send({ user: await inviteUser(contextOf(req, rt), req.params.tenantId, req.body) }),
  );

  r.patch(
    '/api/v1/tenants/:tenantId/users/:userId',
    {
      config: { permission: 'users:write' },
      schema: {
        operationId: 'changeUserRole',
        tags,
        summary: "Change a user's role",
        description: `Takes effect at once on the user's open sessions and keys. ${OWNER_RULE} The last owner cannot be demoted (409 \`last_owner\`).`,
        params: userParams,
        body: roleBodySchema,
        response: { 200: userResponse, 409: errorResponse('The last owner cannot be demoted (`last_owner`)') },
      },
    },
    async (req) => ({ user: await changeUserRole(contextOf(req, rt), req.params.tenantId, req.params.userId, req.body) }),
  );

  r.delete(
    '/api/v1/tenants/:tenantId/users/:userId',
    {
      config: { permission: 'users:write' },
      schema: {
        operationId: 'removeUser',
        tags,
        summary: 'Remove a user',
        description: `The user's sessions and user keys stop working at once; unused invitation links die. ${OWNER_RULE} The last owner cannot be removed (409 \`last_owner\`).`,
        params: userParams,
        response: { 204: z.null().describe('Removed'), 409: errorResponse('The last owner cannot be removed (`last_owner`)') },
      },
    },
    async (req, reply) => {
      await removeUser(contextOf(req, rt), req.params.tenantId, req.params.userId);
      return reply.code(204).send(null);
    },
  );
}
