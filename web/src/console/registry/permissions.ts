import type { Role } from '../../shared/model.ts';

/**
 * Office roles that register and correct households, assign workers and may reveal a resident's
 * personal data (the server decides; this only hides buttons that would be refused).
 */
const REGISTRY_EDITORS: readonly Role[] = ['grid_staff', 'community_admin', 'subdistrict_admin', 'district_admin'];

export function canEditRegistry(role: Role): boolean {
  return REGISTRY_EDITORS.includes(role);
}
