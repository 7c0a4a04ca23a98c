import { z } from 'zod';
import { CRS_VALUES } from '../org/org.crs.ts';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const GEOJSON_TYPE = 'application/geo+json';

/** `1`/`true` or `0`/`false`, as a query string says yes or no. */
const flag = z
  .enum(['0', '1', 'true', 'false'])
  .optional()
  .transform((value) => value === '1' || value === 'true');

export const importQuery = z.strictObject({
  /** Validate only: the report, or which sheets would be imported, without writing. */
  dryRun: flag,
  /** Coordinate system of positions and boundaries that do not name theirs. */
  crs: z.enum(CRS_VALUES).optional(),
  /** The file's name, for the audit trail. */
  name: z.string().trim().max(200).optional(),
});

export const hotlineQuery = z.strictObject({
  /** Validate only: the report, or how many orders the file holds, without writing. */
  dryRun: flag,
  /** The area unit the cases are placed in; default: the importer's own unit. */
  unit: z.string().regex(/^\d+$/, 'an area code').optional(),
  /** The file's name, for the audit trail. */
  name: z.string().trim().max(200).optional(),
});

export const exportQuery = z.strictObject({
  unit: z.string().regex(/^\d+$/, 'an area code').optional(),
  unmasked: flag,
});

export const rowProblem = z.object({ sheet: z.string(), row: z.number().int(), column: z.string(), problem: z.string() });

export const transferResult = z.object({
  dryRun: z.boolean(),
  unchanged: z.boolean(),
  sheets: z.array(
    z.object({
      sheet: z.string(),
      rows: z.number().int(),
      created: z.number().int().optional(),
      updated: z.number().int().optional(),
      unchanged: z.number().int().optional(),
    }),
  ),
});
