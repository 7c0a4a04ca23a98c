import type { Role } from './roles.ts';

/**
 * Who is calling. A scope is where the actor may look and act:
 * - `unit`: the org unit with code `code` and every unit whose code starts with it;
 * - `microgrids`: exactly these micro-grids (a worker's);
 * - `department`: the department `code` (what is dispatched to it).
 */
export type Scope = { kind: 'unit'; code: string } | { kind: 'microgrids'; codes: string[] } | { kind: 'department'; code: string };

export interface Actor {
  type: 'user' | 'apikey' | 'system';
  id: string;
  /** Username for users, key prefix for API keys: safe to log and audit. */
  label: string;
  role: Role | 'integration' | 'device' | 'open311';
  scope: Scope;
}

/**
 * The operator at the command line (`wangge user add`, `wangge init`) or the server itself: acts on
 * the whole tree. Never reachable over HTTP.
 */
export function systemActor(label: string): Actor {
  return { type: 'system', id: label, label, role: 'district_admin', scope: { kind: 'unit', code: '' } };
}

/** True when the org unit `code` lies inside the actor's scope. */
export function scopeCovers(scope: Scope, code: string): boolean {
  switch (scope.kind) {
    case 'unit':
      return code.startsWith(scope.code);
    case 'microgrids':
      return scope.codes.some((own) => code.startsWith(own));
    case 'department':
      return code === scope.code;
  }
}

/** The code prefixes a repository filters on for this scope (a subtree is a code prefix). */
export function scopePrefixes(scope: Scope): string[] {
  return scope.kind === 'microgrids' ? scope.codes : [scope.code];
}
