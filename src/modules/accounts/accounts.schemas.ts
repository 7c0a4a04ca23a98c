import { z } from 'zod';
import { ROLES } from '../../platform/authz/roles.ts';

const role = z.enum(ROLES);
const orgCode = z.string().regex(/^\d+(D\d{2,})?$/, 'an org code');
const username = z
  .string()
  .trim()
  .min(2)
  .max(64)
  .regex(/^[A-Za-z0-9._@-]+$/, 'letters, digits and . _ @ -');

export const loginBody = z.strictObject({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(256),
});

export const scopeView = z.union([
  z.object({ kind: z.literal('unit'), code: z.string() }),
  z.object({ kind: z.literal('microgrids'), codes: z.array(z.string()) }),
  z.object({ kind: z.literal('department'), code: z.string() }),
]);

export const userView = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  role,
  scopeCode: z.string().nullable(),
  microgrids: z.array(z.string()),
  disabled: z.boolean(),
  locked: z.boolean(),
  version: z.number().int(),
});

export const meView = z.object({
  /** `role` is a staff role, or for an API key its purpose (integration, device, open311). */
  user: z.object({
    id: z.string(),
    username: z.string(),
    displayName: z.string(),
    role: z.union([role, z.enum(['integration', 'device', 'open311'])]),
  }),
  scope: scopeView,
  /** Present for cookie sessions: echo it as X-CSRF-Token on unsafe requests. */
  csrfToken: z.string().optional(),
});

export const loginView = z.object({
  token: z.string(),
  csrfToken: z.string(),
  expiresAt: z.string(),
  user: z.object({ id: z.string(), username: z.string(), displayName: z.string(), role }),
});

export const userIdParams = z.strictObject({ id: z.string().min(1).max(64) });

export const listUsersQuery = z.strictObject({
  role: role.optional(),
  after: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const createUserBody = z.strictObject({
  username,
  displayName: z.string().trim().min(1).max(64),
  password: z.string().min(1).max(256),
  role,
  scopeCode: orgCode.nullable().default(null),
  microgrids: z.array(orgCode).max(20).default([]),
});

export const updateUserBody = z.strictObject({
  version: z.number().int().positive(),
  displayName: z.string().trim().min(1).max(64).optional(),
  role: role.optional(),
  scopeCode: orgCode.nullable().optional(),
  microgrids: z.array(orgCode).max(20).optional(),
  disabled: z.boolean().optional(),
});

export const resetPasswordBody = z.strictObject({ password: z.string().min(1).max(256) });
export const changePasswordBody = z.strictObject({ currentPassword: z.string().min(1).max(256), newPassword: z.string().min(1).max(256) });

export const apiKeyView = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  purpose: z.enum(['integration', 'device', 'open311']),
  scopeCode: z.string(),
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
});

export const createApiKeyBody = z.strictObject({
  name: z.string().trim().min(1).max(100),
  purpose: apiKeyView.shape.purpose,
  scopeCode: orgCode,
});
