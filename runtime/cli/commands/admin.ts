import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { AdminKeyring } from '../../admin/api-keys.ts';
import { openApiYaml } from '../../admin/openapi.ts';
import { ensureIndexes } from '../../store/index.ts';
import { withDatabase } from '../runtime-session.ts';

export function registerAdminCommand(program: Command): void {
  const admin = program.command('admin').description('the admin API: its OpenAPI document and its keys');

  admin
    .command('openapi')
    .description('print the admin API as an OpenAPI 3.1 document (YAML), or write it to a file')
    .option('-o, --out <file>', 'write it here, e.g. docs/admin-api.openapi.yaml')
    .action((options: { out?: string }) => {
      const text = openApiYaml();
      if (!options.out) return void process.stdout.write(text);
      writeFileSync(options.out, text);
      process.stderr.write(`wrote ${options.out}\n`);
    });

  const key = admin
    .command('key')
    .description('admin API keys stored in MongoDB (as SHA-256 hashes; needs MONGODB_URI)');
  key
    .command('create')
    .description('make a key and print it: the only time it is shown')
    .argument('<name>', 'who or what uses it (shown in logs and tenant revisions)')
    .action((name: string) =>
      withDatabase(async (db) => {
        await ensureIndexes(db);
        const created = await new AdminKeyring({ db }).create(name);
        process.stderr.write(
          `admin API key "${created.name}" (shown once; send it as Authorization: Bearer <key>):\n`,
        );
        process.stdout.write(`${created.key}\n`);
      }),
    );
  key
    .command('list')
    .description('the stored keys by name (never the keys)')
    .action(() =>
      withDatabase(async (db) => {
        for (const k of await new AdminKeyring({ db }).list())
          process.stdout.write(`${k.name} created ${k.createdAt.toISOString()}\n`);
      }),
    );
  key
    .command('revoke')
    .description('delete a stored key: it opens nothing from the next call on')
    .argument('<name>', 'the key name')
    .action((name: string) =>
      withDatabase(async (db) => {
        if (!(await new AdminKeyring({ db }).revoke(name))) throw new Error(`no stored key named "${name}"`);
        process.stdout.write(`revoked ${name}\n`);
      }),
    );
}
