import { ulid } from 'ulid';
import { authorize, can } from '../../../platform/authz/policy.ts';
import { runAudited, type By } from '../../../platform/command.ts';
import type { Platform } from '../../../platform/context.ts';
import { notFound, unprocessable } from '../../../platform/http/errors.ts';
import { lookupUnit } from '../../org/org.queries.ts';
import { findApiKey, insertApiKey, revokeApiKeyRow, type ApiKeyRow } from '../accounts.repository.ts';
import type { ApiKeyPurpose } from '../accounts.tables.ts';
import { API_KEY_PREFIX, newToken, sha256 } from '../accounts.secrets.ts';

export interface CreateApiKeyInput {
  name: string;
  purpose: ApiKeyPurpose;
  scopeCode: string;
}

/** Creates a key and returns it in clear exactly once; only its SHA-256 is kept. */
export async function createApiKey(platform: Platform, by: By, input: CreateApiKeyInput): Promise<{ key: string; row: ApiKeyRow }> {
  authorize(by.actor, 'apikey.manage', input.scopeCode);
  if (!(await lookupUnit(platform.database.db, input.scopeCode))) {
    throw unprocessable('apikey.bad_scope', `No org unit ${input.scopeCode}.`, { code: input.scopeCode });
  }
  const key = newToken(API_KEY_PREFIX);
  const row: ApiKeyRow = {
    id: ulid(),
    name: input.name,
    key_hash: sha256(key),
    key_prefix: key.slice(0, API_KEY_PREFIX.length + 6),
    purpose: input.purpose,
    scope_code: input.scopeCode,
    created_by: by.actor.type === 'user' ? by.actor.id : null,
    created_at: platform.clock.now().toISOString(),
    revoked_at: null,
    last_used_at: null,
  };
  await runAudited(platform, by, async (trx) => {
    await insertApiKey(trx, row);
    return {
      result: null,
      audit: {
        action: 'apikey.create',
        objectType: 'api_key',
        objectId: row.id,
        summary: { after: { name: row.name, purpose: row.purpose, scopeCode: row.scope_code, prefix: row.key_prefix } },
      },
    };
  });
  return { key, row };
}

/** Revokes a key at once; requests carrying it are refused from the next one on. */
export async function revokeApiKey(platform: Platform, by: By, id: string): Promise<ApiKeyRow> {
  return runAudited(platform, by, async (trx) => {
    const row = await findApiKey(trx, id);
    if (!row || !can(by.actor, 'apikey.manage', row.scope_code)) throw notFound('api_key', id);
    if (row.revoked_at)
      return { result: row, audit: { action: 'apikey.revoke', objectType: 'api_key', objectId: id, summary: { alreadyRevoked: true } } };
    const at = platform.clock.now().toISOString();
    await revokeApiKeyRow(trx, id, at);
    return {
      result: { ...row, revoked_at: at },
      audit: { action: 'apikey.revoke', objectType: 'api_key', objectId: id, summary: { prefix: row.key_prefix } },
    };
  });
}
