import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Platform } from '../../platform/context.ts';
import { AppError } from '../../platform/http/errors.ts';
import type { ApiApp } from '../../platform/module.ts';
import { importBoundaries } from './commands/importBoundaries.ts';
import { importHotlineOrders } from './commands/importHotlineOrders.ts';
import { importWorkbook } from './commands/importWorkbook.ts';
import { exportWorkbook } from './commands/exportWorkbook.ts';
import { hotlineTemplate, templateWorkbook } from './transfer.queries.ts';
import { exportQuery, GEOJSON_TYPE, hotlineQuery, importQuery, transferResult, XLSX_TYPE } from './transfer.schemas.ts';

const tags = ['transfer'];
/** A district's whole registry as .xlsx is a few megabytes; far above the JSON API's limit on purpose. */
const FILE_LIMIT_BYTES = 20 * 1024 * 1024;

/** `attachment` with an ASCII fallback name and the real one (RFC 6266), so Chinese names survive. */
function attachment(name: string): string {
  return `attachment; filename="${name.replace(/[^\x20-\x7e]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

export function transferRoutes(app: ApiApp, platform: Platform): void {
  // Its own encapsulation context, so the file body parsers apply to these routes only.
  void app.register(async (plugin) => {
    const scope = plugin.withTypeProvider<ZodTypeProvider>();
    for (const type of [XLSX_TYPE, 'application/octet-stream']) {
      scope.addContentTypeParser(type, { parseAs: 'buffer', bodyLimit: FILE_LIMIT_BYTES }, (_request, body, done) => done(null, body));
    }
    scope.addContentTypeParser(GEOJSON_TYPE, { parseAs: 'string', bodyLimit: FILE_LIMIT_BYTES }, (_request, body, done) => {
      try {
        done(null, JSON.parse(body as string));
      } catch {
        done(new AppError(400, 'transfer.not_geojson', 'The body is not valid JSON.'));
      }
    });

    scope.get(
      '/api/transfer/template.xlsx',
      {
        config: { scopeProbe: { kind: 'unscoped', reason: 'the empty template is the same for everyone and holds no data' } },
        schema: { tags, summary: 'The empty registry workbook: every sheet with its headers, notes and a 说明 sheet' },
      },
      async (_request, reply) =>
        reply
          .header('content-type', XLSX_TYPE)
          .header('content-disposition', attachment('网格登记表模板.xlsx'))
          .send(await templateWorkbook()),
    );

    scope.post(
      '/api/transfer/import',
      {
        bodyLimit: FILE_LIMIT_BYTES,
        config: {
          scopeProbe: {
            kind: 'target',
            url: '/api/transfer/import',
            body: {
              type: 'FeatureCollection',
              features: [
                {
                  type: 'Feature',
                  properties: { code: '{foreignUnit}', name: '越权' },
                  geometry: {
                    type: 'Polygon',
                    coordinates: [
                      [
                        [113.3, 35.26],
                        [113.31, 35.26],
                        [113.31, 35.27],
                        [113.3, 35.27],
                        [113.3, 35.26],
                      ],
                    ],
                  },
                },
              ],
            },
            expect: 403,
          },
        },
        schema: {
          tags,
          summary: 'Import a registry workbook (.xlsx) or boundaries (GeoJSON), all or nothing, with a row-by-row report',
          description: `Body: the .xlsx file (${XLSX_TYPE}) or a GeoJSON FeatureCollection (${GEOJSON_TYPE}). 422 transfer.import_invalid lists every problem as {sheet, row, column, problem}.`,
          querystring: importQuery,
          response: { 200: transferResult },
        },
      },
      async (request) => {
        const by = { actor: request.actor!, requestId: request.id };
        const { dryRun, crs, name } = request.query;
        if (Buffer.isBuffer(request.body)) {
          return importWorkbook(platform, by, request.body, { source: name ?? 'upload.xlsx', crs, dryRun });
        }
        return importBoundaries(platform, by, request.body, { source: name ?? 'upload.geojson', crs, dryRun });
      },
    );

    scope.get(
      '/api/transfer/hotline-template.xlsx',
      {
        config: {
          scopeProbe: {
            kind: 'unscoped',
            reason: 'the template holds the headers, an example and the district’s category names, the same for every importer',
          },
        },
        schema: {
          tags,
          summary: 'The 12345 work-order template: the 12345工单 sheet with its headers and an example row, and a 说明 sheet',
        },
      },
      async (request, reply) =>
        reply
          .header('content-type', XLSX_TYPE)
          .header('content-disposition', attachment('12345工单导入模板.xlsx'))
          .send(await hotlineTemplate(platform, request.actor!)),
    );

    scope.post(
      '/api/transfer/hotline',
      {
        bodyLimit: FILE_LIMIT_BYTES,
        config: { scopeProbe: { kind: 'target', url: '/api/transfer/hotline?unit={foreignUnit}', expect: 403 } },
        schema: {
          tags,
          summary: 'Import 12345 hotline work orders (.xlsx) as cases, all or nothing, idempotent on the order number',
          description: `Body: the .xlsx file (${XLSX_TYPE}) with a 12345工单 sheet. Each new order becomes a case (source hotline) in \`unit\` (default: the importer's unit); an order number imported before counts as unchanged. 422 transfer.import_invalid lists every problem as {sheet, row, column, problem}.`,
          querystring: hotlineQuery,
          response: { 200: transferResult },
        },
      },
      async (request) => {
        const { dryRun, unit, name } = request.query;
        // Not a file (JSON, nothing): refused as not a workbook, after the importer and the unit are checked.
        const file = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        return importHotlineOrders(platform, { actor: request.actor!, requestId: request.id }, file, {
          source: name ?? 'upload.xlsx',
          unit,
          dryRun,
        });
      },
    );

    scope.get(
      '/api/transfer/export.xlsx',
      {
        config: { scopeProbe: { kind: 'target', url: '/api/transfer/export.xlsx?unit={foreignUnit}', expect: 404 } },
        schema: {
          tags,
          summary:
            "A unit's registry as the import workbook; personal data masked unless unmasked=1 by someone who may reveal it (audited)",
          querystring: exportQuery,
        },
      },
      async (request, reply) => {
        const { unit, unmasked } = request.query;
        const exported = await exportWorkbook(platform, { actor: request.actor!, requestId: request.id }, { unit, unmasked });
        const name = `网格登记表-${exported.unit}${unmasked ? '-明文' : ''}.xlsx`;
        return reply.header('content-type', XLSX_TYPE).header('content-disposition', attachment(name)).send(exported.file);
      },
    );
  });
}
