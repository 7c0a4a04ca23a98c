import type { Role } from '../../platform/authz/roles.ts';

/** A staff account (all roles of DOMAIN.md §2). */
export interface AppUserTable {
  id: string;
  username: string;
  display_name: string;
  /** argon2id, PHC string. */
  password_hash: string;
  role: Role;
  /** Office roles: their unit; department staff: their department; workers: null (see user_microgrid). */
  scope_code: string | null;
  disabled: number;
  failed_logins: number;
  locked_until: string | null;
  created_at: string;
  updated_at: string;
  version: number;
}

/** The micro-grids a worker serves: the worker's whole scope. Filled in by the registry. */
export interface UserMicrogridTable {
  user_id: string;
  microgrid_code: string;
}

/** A signed-in session; the token itself is never stored, only its SHA-256. */
export interface SessionTable {
  token_hash: string;
  user_id: string;
  created_at: string;
  expires_at: string;
}

export type ApiKeyPurpose = 'integration' | 'device' | 'open311';

/** A key for an integration or a device: random, stored as SHA-256, scoped to one unit, revocable. */
export interface ApiKeyTable {
  id: string;
  name: string;
  key_hash: string;
  /** The first characters of the key, to recognise it in lists and audit records. */
  key_prefix: string;
  purpose: ApiKeyPurpose;
  scope_code: string;
  created_by: string | null;
  created_at: string;
  revoked_at: string | null;
  last_used_at: string | null;
}

declare module '../../platform/db/database.ts' {
  interface Tables {
    app_user: AppUserTable;
    user_microgrid: UserMicrogridTable;
    session: SessionTable;
    api_key: ApiKeyTable;
  }
}
