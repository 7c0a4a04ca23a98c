import { readFileSync, writeFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import type { Command } from 'commander';
import { systemActor } from '../platform/authz/actor.ts';
import { AppError } from '../platform/http/errors.ts';
import { isCrs, type Crs } from '../modules/org/org.crs.ts';
import { importBoundaries } from '../modules/transfer/commands/importBoundaries.ts';
import { importHotlineOrders } from '../modules/transfer/commands/importHotlineOrders.ts';
import { importWorkbook, type TransferResult } from '../modules/transfer/commands/importWorkbook.ts';
import { exportWorkbook } from '../modules/transfer/commands/exportWorkbook.ts';
import { hotlineTemplate, templateWorkbook } from '../modules/transfer/transfer.queries.ts';
import type { RowProblem } from '../modules/transfer/transfer.workbook.ts';
import { action, CliError, printTable } from './io.ts';
import { withPlatform } from './withPlatform.ts';

const cli = () => ({ actor: systemActor('cli'), requestId: null });

/**
 * `wangge import | export | template`: the registry as spreadsheets (导入导出), run as the operator;
 * with `--hotline`, 12345 work orders as cases. An import is all or nothing; a refused file prints
 * every problem as a table and exits 1.
 */
export function registerTransferCommands(program: Command): void {
  program
    .command('import <file>')
    .description('import a registry workbook (.xlsx) or unit boundaries (.geojson), all or nothing; --hotline: 12345 work orders as cases')
    .option('--crs <crs>', 'coordinate system of positions that do not say: wgs84 (default), gcj02 or bd09')
    .option('--hotline', 'the file holds 12345 hotline work orders (sheet 12345工单): each new order number becomes a case')
    .option('--unit <code>', 'with --hotline: the area unit the cases are placed in (default: the district)')
    .option('--dry-run', 'only check the file and print its problems')
    .action(
      action(async (file: string, options: { crs?: string; hotline?: boolean; unit?: string; dryRun?: boolean }) => {
        if (options.crs !== undefined && !isCrs(options.crs)) throw new CliError('--crs must be wgs84, gcj02 or bd09');
        if (options.unit !== undefined && !options.hotline) throw new CliError('--unit goes with --hotline');
        if (options.hotline && options.crs !== undefined) throw new CliError('--crs does not go with --hotline');
        const crs = options.crs as Crs | undefined;
        const bytes = readFileSync(file);
        const geojson = ['.geojson', '.json'].includes(extname(file).toLowerCase());
        if (options.hotline && geojson) throw new CliError('12345 work orders come as an .xlsx workbook');
        await withPlatform(async (platform) => {
          const importOptions = { source: basename(file), crs, dryRun: options.dryRun ?? false };
          try {
            const result = options.hotline
              ? await importHotlineOrders(platform, cli(), bytes, {
                  source: basename(file),
                  unit: options.unit,
                  dryRun: options.dryRun ?? false,
                })
              : geojson
                ? await importBoundaries(platform, cli(), parseJson(bytes), importOptions)
                : await importWorkbook(platform, cli(), bytes, importOptions);
            printResult(result, options.hotline ? 'unchanged: every order in the file was imported before\n' : undefined);
          } catch (error) {
            if (error instanceof AppError && Array.isArray(error.details?.problems))
              printTable(
                (error.details.problems as RowProblem[]).map(({ sheet, row, column, problem }) => ({ sheet, row, column, problem })),
              );
            throw error;
          }
        });
      }),
    );

  program
    .command('export <file>')
    .description("write a unit's registry as the import workbook (personal data masked unless --unmasked; audited)")
    .option('--unit <code>', 'the unit whose subtree is exported (default: the district)')
    .option('--unmasked', 'personal data in clear')
    .action(
      action(async (file: string, options: { unit?: string; unmasked?: boolean }) => {
        await withPlatform(async (platform) => {
          const exported = await exportWorkbook(platform, cli(), { unit: options.unit, unmasked: options.unmasked ?? false });
          writeFileSync(file, exported.file, { mode: options.unmasked ? 0o600 : 0o644 });
          process.stdout.write(`exported ${exported.unit} to ${file}${options.unmasked ? ' (personal data in clear)' : ' (masked)'}\n`);
        });
      }),
    );

  program
    .command('template <file>')
    .description('write the empty registry workbook to fill in; --hotline: the 12345 work-order template')
    .option('--hotline', 'the 12345 work-order template, with the district’s categories')
    .action(
      action(async (file: string, options: { hotline?: boolean }) => {
        writeFileSync(
          file,
          options.hotline ? await withPlatform((platform) => hotlineTemplate(platform, cli().actor)) : await templateWorkbook(),
        );
        process.stdout.write(`template written to ${file}\n`);
      }),
    );
}

function parseJson(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new CliError('the file is not valid JSON');
  }
}

function printResult(result: TransferResult, unchangedLine = 'unchanged: the registry already matches the file\n'): void {
  printTable(
    result.sheets.map((s) => ({
      sheet: s.sheet,
      rows: s.rows,
      created: s.created ?? '',
      updated: s.updated ?? '',
      unchanged: s.unchanged ?? '',
    })),
  );
  if (result.dryRun) process.stdout.write('dry run: the file is valid; nothing was written\n');
  else process.stdout.write(result.unchanged ? unchangedLine : 'imported\n');
}
