#!/usr/bin/env node
// The installed `pulse` command: load TypeScript through tsx, then run the CLI.
import { register } from 'tsx/esm/api';

register();
const { run } = await import('../src/cli.ts');
await run();
