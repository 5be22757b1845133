#!/usr/bin/env node
// Koppla ships TypeScript sources; tsx compiles them on the fly so `npx koppla` needs no build step.
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

// tsx looks for a tsconfig from the working directory, so outside the repository it would find none
// (or the user's) and compile without experimental decorators, which tsyringe's @inject needs.
// Koppla's own tsconfig is named explicitly; TSX_TSCONFIG_PATH still wins for whoever sets it.
register({
  tsconfig: process.env.TSX_TSCONFIG_PATH ?? fileURLToPath(new URL('../../tsconfig.json', import.meta.url)),
});
await import('./main.ts');
