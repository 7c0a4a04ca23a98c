import type { Command } from 'commander';
import { sealAuditChain, verifyAuditChain } from '../platform/audit/audit.seal.ts';
import { action } from './io.ts';
import { withPlatform } from './withPlatform.ts';

export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description('the tamper-evident audit trail');
  audit
    .command('verify')
    .description('check every record and seal; exits 1 naming the first broken one')
    .action(
      action(async () => {
        await withPlatform(async (platform) => {
          const result = await verifyAuditChain(platform.database, platform.secrets.auditKey);
          if (result.ok) {
            process.stdout.write(
              `audit chain ok: ${result.records} records, ${result.seals} seals, ${result.unsealedTail} records after the last seal\n`,
            );
            return;
          }
          process.stderr.write(`audit chain BROKEN at ${result.place.kind} ${result.place.seq}: ${result.problem}\n`);
          process.exitCode = 1;
        });
      }),
    );
  audit
    .command('seal')
    .description('seal the chain head now (the server also does this periodically and on shutdown)')
    .action(
      action(async () => {
        await withPlatform(async (platform) => {
          const sealed = await sealAuditChain(platform.database, platform.clock, platform.secrets.auditKey);
          process.stdout.write(sealed === null ? 'nothing new to seal\n' : `sealed up to record ${sealed}\n`);
        });
      }),
    );
}
