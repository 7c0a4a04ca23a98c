import { authorize } from '../../../platform/authz/policy.ts';
import { runAudited, type By } from '../../../platform/command.ts';
import type { Platform } from '../../../platform/context.ts';
import { conflict, notFound, staleVersion, unprocessable } from '../../../platform/http/errors.ts';
import type { Limit } from '../cases.calendar.ts';
import { keepingUnique } from '../cases.rules.ts';
import {
  conditionsOf,
  findCategory,
  findCondition,
  insertCategories,
  insertConditions,
  listCategories,
  setCasesPublic,
  updateCategory,
  updateCondition,
  type CategoryRow,
  type ConditionRow,
} from '../cases.repository.ts';

/**
 * Editing the catalogue (案件分类) in the console: majors and leaves, and the filing conditions with
 * their limits. Codes never change (cases keep them); a category is retired by deactivating it.
 * Making a category private hides its cases from Open311 at once.
 */
export async function createCategory(platform: Platform, by: By, input: { code: string; name: string; public: boolean }): Promise<CategoryRow> {
  authorize(by.actor, 'case.configure');
  const write = runAudited(platform, by, async (trx) => {
    const parentCode = input.code.length === 4 ? input.code.slice(0, 2) : null;
    if (parentCode !== null && (await findCategory(trx, parentCode))?.parent_code !== null) {
      throw unprocessable('case.unknown_category', 'A leaf (4 digits) goes under an existing major (its first 2 digits).', { parentCode });
    }
    if (await findCategory(trx, input.code)) throw conflict('case.category_exists', 'This code is taken.', { code: input.code });
    const siblings = (await listCategories(trx)).filter((c) => c.parent_code === parentCode);
    const at = platform.clock.now().toISOString();
    const row: CategoryRow = {
      code: input.code,
      parent_code: parentCode,
      name: input.name,
      public: input.public ? 1 : 0,
      active: 1,
      sort: siblings.length,
      created_at: at,
      updated_at: at,
      version: 1,
    };
    await insertCategories(trx, [row]);
    return { result: row, audit: { action: 'case.create_category', objectType: 'case_category', objectId: row.code, summary: { name: row.name, public: input.public } } };
  });
  return keepingUnique(write, 'case.category_name_taken', 'Another category has this name.');
}

export async function changeCategory(
  platform: Platform,
  by: By,
  code: string,
  change: { version: number; name?: string; public?: boolean; active?: boolean },
): Promise<CategoryRow> {
  authorize(by.actor, 'case.configure');
  const write = runAudited(platform, by, async (trx) => {
    const category = await findCategory(trx, code);
    if (!category) throw notFound('case_category', code);
    if (category.version !== change.version) throw staleVersion(category.version);
    const changes = {
      ...(change.name !== undefined ? { name: change.name } : {}),
      ...(change.public !== undefined ? { public: change.public ? 1 : 0 } : {}),
      ...(change.active !== undefined ? { active: change.active ? 1 : 0 } : {}),
    };
    const at = platform.clock.now().toISOString();
    if (!(await updateCategory(trx, code, change.version, changes, at))) throw staleVersion(category.version + 1);
    if (changes.public !== undefined && changes.public !== category.public) await setCasesPublic(trx, code, changes.public);
    return {
      result: { ...category, ...changes, updated_at: at, version: category.version + 1 },
      audit: { action: 'case.change_category', objectType: 'case_category', objectId: code, summary: { ...change } },
    };
  });
  return keepingUnique(write, 'case.category_name_taken', 'Another category has this name.');
}

export async function createCondition(
  platform: Platform,
  by: By,
  input: { categoryCode: string; name: string; limit: Limit; closing: string },
): Promise<ConditionRow> {
  authorize(by.actor, 'case.configure');
  return runAudited(platform, by, async (trx) => {
    const category = await findCategory(trx, input.categoryCode);
    if (!category || category.parent_code === null) throw unprocessable('case.unknown_category', 'Filing conditions belong to a leaf category.', { categoryCode: input.categoryCode });
    const existing = await conditionsOf(trx, category.code);
    const next = Math.max(0, ...existing.map((c) => Number(c.code.slice(4)))) + 1;
    if (next > 99) throw unprocessable('case.too_many_conditions', 'A category has at most 99 filing conditions.');
    const at = platform.clock.now().toISOString();
    const row: ConditionRow = {
      code: `${category.code}${String(next).padStart(2, '0')}`,
      category_code: category.code,
      name: input.name,
      limit_amount: input.limit.amount,
      limit_unit: input.limit.unit,
      closing: input.closing,
      sort: existing.length,
      created_at: at,
      updated_at: at,
      version: 1,
    };
    await insertConditions(trx, [row]);
    return { result: row, audit: { action: 'case.create_condition', objectType: 'case_condition', objectId: row.code, summary: { name: row.name, limit: input.limit } } };
  });
}

export async function changeCondition(
  platform: Platform,
  by: By,
  code: string,
  change: { version: number; name?: string; limit?: Limit; closing?: string },
): Promise<ConditionRow> {
  authorize(by.actor, 'case.configure');
  return runAudited(platform, by, async (trx) => {
    const condition = await findCondition(trx, code);
    if (!condition) throw notFound('case_condition', code);
    if (condition.version !== change.version) throw staleVersion(condition.version);
    const changes = {
      ...(change.name !== undefined ? { name: change.name } : {}),
      ...(change.closing !== undefined ? { closing: change.closing } : {}),
      ...(change.limit ? { limit_amount: change.limit.amount, limit_unit: change.limit.unit } : {}),
    };
    const at = platform.clock.now().toISOString();
    if (!(await updateCondition(trx, code, change.version, changes, at))) throw staleVersion(condition.version + 1);
    // A new limit applies to cases dispatched from now on; running deadlines stay as promised.
    return {
      result: { ...condition, ...changes, updated_at: at, version: condition.version + 1 },
      audit: { action: 'case.change_condition', objectType: 'case_condition', objectId: code, summary: { ...change } },
    };
  });
}
