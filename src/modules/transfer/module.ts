import type { ModuleManifest } from '../../platform/module.ts';
import { transferPolicies } from './transfer.policy.ts';
import { transferRoutes } from './transfer.routes.ts';

/**
 * 导入导出: registry import and export. The registers district offices keep in Excel (org units,
 * buildings, households, residents, workers) and unit boundaries as GeoJSON come in through the org
 * and people commands, and go out as the same workbook, masked unless the exporter may see personal data.
 * 12345 hotline work orders come in as cases, through the cases module's reportCase.
 */
export const transferModule: ModuleManifest = {
  name: 'transfer',
  policies: transferPolicies,
  routes: transferRoutes,
};
