import type { Actor } from '../../platform/authz/actor.ts';
import { authorize } from '../../platform/authz/policy.ts';
import type { Platform } from '../../platform/context.ts';
import { catalogue } from '../cases/cases.queries.ts';
import { writeHotlineTemplate } from './transfer.hotline.ts';
import { writeWorkbook } from './transfer.workbook.ts';

/** The empty workbook to fill in: every sheet with its headers and notes, and the 说明 sheet. */
export function templateWorkbook(): Promise<Buffer> {
  return writeWorkbook({}, { masked: false, title: '网格登记表模板' });
}

/** The 12345 orders template, for those who import them: headers, an example row, the categories in use. */
export async function hotlineTemplate(platform: Platform, actor: Actor): Promise<Buffer> {
  authorize(actor, 'transfer.import');
  const { majors } = await catalogue(platform, actor);
  return writeHotlineTemplate(
    majors
      .filter((m) => m.active)
      .flatMap((m) => m.leaves.filter((leaf) => leaf.active).map((leaf) => ({ major: m.name, name: leaf.name }))),
  );
}
