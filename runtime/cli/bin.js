#!/usr/bin/env node
// Koppla ships TypeScript sources; tsx compiles them on the fly so `npx koppla` needs no build step.
import { register } from 'tsx/esm/api';

register();
await import('./main.ts');
