import type { Actor } from '../../../platform/authz/actor.ts';
import { authorize } from '../../../platform/authz/policy.ts';
import { runAudited, type By } from '../../../platform/command.ts';
import type { Platform } from '../../../platform/context.ts';
import { badRequest } from '../../../platform/http/errors.ts';
import { usernamesById } from '../../accounts/accounts.queries.ts';
import { unitsUnder } from '../../org/org.bulk.ts';
import { installedDistrict } from '../../org/org.queries.ts';
import { registryUnder } from '../../people/people.bulk.ts';
import { writeWorkbook, type WorkbookContent } from '../transfer.workbook.ts';

export interface ExportRequest {
  /** The unit whose subtree is exported; the actor's own unit when absent. */
  unit?: string;
  /** Personal data in clear, for whoever may reveal it; audited. */
  unmasked: boolean;
}

/**
 * A unit's registry as the same workbook the import reads, inside the actor's scope. Personal data
 * is masked unless asked for in clear by someone who may reveal it; every export leaves an audit
 * record (who, which unit, masked or not, how many rows, never a value) before the file is handed out,
 * which is why this is a command. A worker serving here who lives outside the actor's scope is left
 * out, with a line on the 说明 sheet saying how many (docs/import.md).
 */
export async function exportWorkbook(platform: Platform, by: By, request: ExportRequest): Promise<{ file: Buffer; unit: string }> {
  const unit = request.unit ?? (await defaultUnit(platform, by.actor));
  const { db } = platform.database;
  // First: a unit outside the scope is a 404, whatever the role, as everywhere else.
  const units = await unitsUnder(db, by.actor, unit);
  authorize(by.actor, 'transfer.export', unit);
  if (request.unmasked) authorize(by.actor, 'transfer.export_unmasked', unit);
  const registry = await registryUnder(platform, by.actor, unit, request.unmasked);
  const usernames = await usernamesById(
    db,
    registry.workers.map((w) => w.userId).filter((id): id is string => id !== null),
  );
  const content: WorkbookContent = {
    units: units.map((u) => ({ code: u.code, name: u.name })),
    buildings: registry.buildings.map((b) => ({ ...b, crs: 'wgs84' as const })),
    households: registry.households,
    residents: registry.residents,
    workers: registry.workers.map((w) => ({
      idNumber: w.idNumber ?? '',
      microgridCodes: w.microgridCodes,
      since: w.since,
      username: w.userId ? (usernames.get(w.userId) ?? null) : null,
    })),
  };
  const rows = Object.fromEntries(Object.entries(content).map(([key, list]) => [key, list.length]));
  const notes =
    registry.workersElsewhere > 0
      ? [`另有 ${registry.workersElsewhere} 名网格员服务本单位的微网格，但居住在您的管辖范围之外，未列入网格员表。`]
      : [];
  const file = await writeWorkbook(content, { masked: !request.unmasked, title: `网格登记表 ${unit}`, notes });
  const summary = {
    unit,
    unmasked: request.unmasked,
    rows,
    ...(registry.workersElsewhere > 0 ? { workersElsewhere: registry.workersElsewhere } : {}),
  };
  await runAudited(platform, by, async () => ({
    result: undefined,
    audit: { action: 'transfer.export', objectType: 'org_unit', objectId: unit, summary },
  }));
  return { file, unit };
}

/** An office account exports its own unit; the operator at the command line, the district. */
async function defaultUnit(platform: Platform, actor: Actor): Promise<string> {
  if (actor.scope.kind !== 'microgrids' && actor.scope.code !== '') return actor.scope.code;
  if (actor.scope.kind === 'unit') {
    const district = await installedDistrict(platform.database.db);
    if (district) return district.code;
  }
  throw badRequest('transfer.unit_required', 'Say which unit to export (unit=CODE).');
}
