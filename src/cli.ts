import { Command } from 'commander';
import { VERSION } from './platform/version.ts';
import { registerAccountCommands } from './cli/accounts.ts';
import { registerAuditCommands } from './cli/audit.ts';
import { registerBackupCommands } from './cli/backup.ts';
import { registerDemoCommand } from './cli/demo.ts';
import { registerInitCommand } from './cli/init.ts';
import { registerServeCommands } from './cli/serve.ts';
import { registerTransferCommands } from './cli/transfer.ts';

/** `wangge`: run and operate the platform. Configuration comes from the environment (README). */
const program = new Command('wangge')
  .version(VERSION)
  .description('网格 Wangge: grid-based grassroots governance platform')
  .showHelpAfterError();

registerServeCommands(program);
registerInitCommand(program);
registerDemoCommand(program);
registerAccountCommands(program);
registerBackupCommands(program);
registerAuditCommands(program);
registerTransferCommands(program);

await program.parseAsync(process.argv);
