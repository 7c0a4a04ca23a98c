#!/usr/bin/env node
// The `wangge` command. The sources are TypeScript run through tsx, so the command works right
// after `npm install` with no build step and never runs stale compiled code.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli.ts');
