import type { ModuleManifest } from '../platform/module.ts';
import { accountsModule } from './accounts/module.ts';
import { casesModule } from './cases/module.ts';
import { checkinsModule } from './checkins/module.ts';
import { errandsModule } from './errands/module.ts';
import { filesModule } from './files/module.ts';
import { inboxModule } from './inbox/module.ts';
import { open311Module } from './open311/module.ts';
import { orgModule } from './org/module.ts';
import { peopleModule } from './people/module.ts';
import { transferModule } from './transfer/module.ts';

/** Every module, mounted in this order. A new module is a folder and one line here. */
export const modules: ModuleManifest[] = [accountsModule, orgModule, peopleModule, transferModule, filesModule, casesModule, inboxModule, open311Module, errandsModule, checkinsModule];
