/**
 * Every signed-in route says how to test that it keeps to the caller's scope. The route-table test
 * (test/platform/http/routeTable.test.ts) reads this from each registered route, so a new route joins
 * the test by existing, and fails it until it declares a probe.
 *
 * - `self`: the route acts only on the caller (sign out, my profile); nothing foreign to ask for.
 * - `unscoped`: the answer is the same for every account and holds nothing scoped; `reason` says why.
 * - `filtered`: a list; asked as-is, its answer must not mention anything outside the scope.
 * - `target`: asks for a foreign object; `{placeholders}` are filled from the test world
 *   ({foreignUnit}, {foreignMicrogrid}, {foreignUser}, {foreignApiKey}, {foreignResident}, {foreignHousehold},
 *   {foreignCase}, {foreignErrand}, {foreignSubject}, {foreignAlert})
 *   and the answer must be `expect`.
 */
export type ScopeProbe =
  | { kind: 'self' }
  | { kind: 'unscoped'; reason: string }
  | { kind: 'filtered'; url?: string }
  | { kind: 'target'; url: string; body?: unknown; expect: 403 | 404 };

export interface RouteEntry {
  method: string;
  url: string;
  access: 'public' | 'signed-in';
  scopeProbe?: ScopeProbe;
}
