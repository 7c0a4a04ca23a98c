import { CRS_VALUES } from './org.crs.ts';
import { z } from 'zod';

export const orgLevel = z.enum(['district', 'subdistrict', 'community', 'grid', 'microgrid', 'department']);

export const orgUnit = z.object({
  code: z.string(),
  parentCode: z.string().nullable(),
  name: z.string(),
  level: orgLevel,
  version: z.number().int(),
});

export type OrgUnitView = z.infer<typeof orgUnit>;

export interface OrgNodeView extends OrgUnitView {
  children: OrgNodeView[];
  hasChildren: boolean;
}

export const orgNode: z.ZodType<OrgNodeView> = orgUnit.extend({
  hasChildren: z.boolean(),
  get children() {
    return z.array(orgNode);
  },
});

export const unitCodeParams = z.strictObject({
  code: z.string().regex(/^\d+(D\d{2,})?$/, 'an org code: digits, or a department code like 410804D01'),
});

export const createUnitBody = z.strictObject({
  code: unitCodeParams.shape.code,
  name: z.string().trim().min(1).max(100),
});

export const renameUnitBody = z.strictObject({
  name: z.string().trim().min(1).max(100),
  version: z.number().int().positive(),
});

export const locateQuery = z.strictObject({
  lng: z.coerce.number().min(-180).max(180),
  lat: z.coerce.number().min(-90).max(90),
  crs: z.enum(CRS_VALUES).default('wgs84'),
});

export const locationView = z.object({
  point: z.tuple([z.number(), z.number()]),
  /** District first, the micro-grid last. */
  path: z.array(orgUnit),
});

export const mapQuery = z.strictObject({
  within: unitCodeParams.shape.code,
  zoom: z.coerce.number().int().min(0).max(20).default(14),
  /** E.g. `microgrid` with a district: every micro-grid of it at once. Default: the children of `within`. */
  level: z
    .enum(['subdistrict', 'community', 'grid', 'microgrid'])
    .optional()
    .describe('draw every unit of this level under `within` (default: its children)'),
});

/** GeoJSON of units; coordinates are not re-validated on the way out (thousands of rings). */
export const unitFeatureCollection = z.object({
  type: z.literal('FeatureCollection'),
  bbox: z.tuple([z.number(), z.number(), z.number(), z.number()]).nullable(),
  features: z.array(
    z.object({
      type: z.literal('Feature'),
      id: z.string(),
      properties: z.object({ code: z.string(), name: z.string(), level: orgLevel, parentCode: z.string().nullable() }),
      geometry: z.object({ type: z.enum(['Polygon', 'MultiPolygon']), coordinates: z.array(z.any()) }),
    }),
  ),
});
