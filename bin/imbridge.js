#!/usr/bin/env node
// The package's command: registers the TypeScript loader, then runs the CLI.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
