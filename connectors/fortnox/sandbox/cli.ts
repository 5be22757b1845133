/**
 * Starts the Fortnox sandbox for the demo: `npx tsx connectors/fortnox/sandbox/cli.ts [port] [seed.json]`.
 */
import { readFileSync } from 'node:fs';
import { DEFAULT_CLIENT, DEFAULT_REFRESH_TOKEN, startFortnoxSandbox, type SandboxSeed } from './index.ts';

const port = Number(process.argv[2] ?? 8787);
const seedFile = process.argv[3];
const seed = seedFile ? (JSON.parse(readFileSync(seedFile, 'utf8')) as SandboxSeed) : undefined;
const running = await startFortnoxSandbox({ port, ...(seed ? { seed } : {}) });
console.info(`Fortnox sandbox on ${running.url}`);
console.info(
  `  client id ${DEFAULT_CLIENT.clientId}, refresh token ${DEFAULT_REFRESH_TOKEN} (sandbox-only values)`,
);
const stop = () => void running.stop().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
