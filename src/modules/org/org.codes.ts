import { AREA_LEVELS, type AreaLevel, type OrgLevel } from './org.tables.ts';

/**
 * Org codes (DOMAIN.md §3): an area code is its path, so a subtree is a code prefix. The widths of
 * the levels come from configuration (ORG_CODE_WIDTHS, default 6,9,12,15,17). A department's code is
 * its district's code, `D`, and two or more digits (`410804D01`): never a prefix of an area code.
 */
export interface CodeRules {
  widths: number[];
}

const DEPARTMENT_CODE = /^(\d+)D(\d{2,})$/;

export function levelOfCode(rules: CodeRules, code: string): OrgLevel | null {
  if (DEPARTMENT_CODE.test(code)) return 'department';
  if (!/^\d+$/.test(code)) return null;
  const index = rules.widths.indexOf(code.length);
  return index === -1 ? null : AREA_LEVELS[index];
}

/** The parent an area code implies, or for a department its district. */
export function impliedParentCode(rules: CodeRules, code: string): string | null {
  const department = DEPARTMENT_CODE.exec(code);
  if (department) return department[1];
  const index = rules.widths.indexOf(code.length);
  return index > 0 ? code.slice(0, rules.widths[index - 1]) : null;
}

export function childLevel(level: OrgLevel): AreaLevel | null {
  const index = AREA_LEVELS.indexOf(level as AreaLevel);
  return index >= 0 && index < AREA_LEVELS.length - 1 ? AREA_LEVELS[index + 1] : null;
}
