import type { z } from 'zod';
import type { ApiKeyRow, UserRow } from './accounts.repository.ts';
import type { apiKeyView, userView } from './accounts.schemas.ts';

export function presentUser(user: UserRow, microgrids: string[], now: Date): z.infer<typeof userView> {
  return {
    id: user.id,
    username: user.username,
    displayName: user.display_name,
    role: user.role,
    scopeCode: user.scope_code,
    microgrids,
    disabled: user.disabled === 1,
    locked: user.locked_until !== null && Date.parse(user.locked_until) > now.getTime(),
    version: user.version,
  };
}

export function presentApiKey(row: ApiKeyRow): z.infer<typeof apiKeyView> {
  return {
    id: row.id,
    name: row.name,
    prefix: row.key_prefix,
    purpose: row.purpose,
    scopeCode: row.scope_code,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
    lastUsedAt: row.last_used_at,
  };
}
