import { readFileSync, writeFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import type { Command } from 'commander';
import { systemActor } from '../platform/authz/actor.ts';
import { AppError } from '../platform/http/errors.ts';
import { isCrs, type Crs } from '../modules/org/org.crs.ts';
import { importBoundaries } from '../modules/transfer/commands/importBoundaries.ts';
import { importWorkbook, type TransferResult } from '../modules/transfer/commands/importWorkbook.ts';
import { exportWorkbook } from '../modules/transfer/commands/exportWorkbook.ts';
import { templateWorkbook } from '../modules/transfer/transfer.queries.ts';
import type { RowProblem } from '../modules/transfer/transfer.workbook.ts';
import { action, CliError, printTable } from './io.ts';
import { withPlatform } from './withPlatform.ts';

const cli = () => ({ actor: systemActor('cli'), requestId: null });

/**
 * `wangge import | export | template`: the registry as spreadsheets (导入导出), run as the operator.
 * An import is all or nothing; a refused file prints every problem as a table and exits 1.
 */
export function registerTransferCommands(program: Command): void {
  program
    .command('import <file>')
    .description('import a registry workbook (.xlsx) or unit boundaries (.geojson), all or nothing')
    .option('--crs <crs>', 'coordinate system of positions that do not say: wgs84 (default), gcj02 or bd09')
    .option('--dry-run', 'only check the file and print its problems')
    .action(
      action(async (file: string, options: { crs?: string; dryRun?: boolean }) => {
        if (options.crs !== undefined && !isCrs(options.crs)) throw new CliError('--crs must be wgs84, gcj02 or bd09');
        const crs = options.crs as Crs | undefined;
        const bytes = readFileSync(file);
        const geojson = ['.geojson', '.json'].includes(extname(file).toLowerCase());
        await withPlatform(async (platform) => {
          const importOptions = { source: basename(file), crs, dryRun: options.dryRun ?? false };
          try {
            const result = geojson
              ? await importBoundaries(platform, cli(), parseJson(bytes), importOptions)
              : await importWorkbook(platform, cli(), bytes, importOptions);
            printResult(result);
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
    .description('write the empty registry workbook to fill in')
    .action(
      action(async (file: string) => {
        writeFileSync(file, await templateWorkbook());
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

function printResult(result: TransferResult): void {
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
  else process.stdout.write(result.unchanged ? 'unchanged: the registry already matches the file\n' : 'imported\n');
}
