import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { AdminKeyring } from '../../admin/api-keys.ts';
import { openApiYaml } from '../../admin/openapi.ts';
import { ensureIndexes } from '../../store/index.ts';
import { withDatabase } from '../runtime-session.ts';
import { TerminalInput } from '../terminal-input.ts';
import { AdminUserStore } from '../../admin-ui/users.ts';
import { SessionStore } from '../../admin-ui/sessions.ts';

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
    .option('--tenant <id>', "a shop owner's key: it opens this tenant's routes only")
    .action((name: string, options: { tenant?: string }) =>
      withDatabase(async (db) => {
        await ensureIndexes(db);
        const created = await new AdminKeyring({ db }).create(
          name,
          options.tenant === undefined ? {} : { tenant: options.tenant },
        );
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

  const user = admin
    .command('user')
    .description(
      "the admin page's shop-owner users: one tenant each, passwords hashed with scrypt (needs MONGODB_URI)",
    );
  user
    .command('create')
    .description('make a user who signs in to the admin page (/admin) and sees only this tenant')
    .argument('<tenant>', 'the tenant (shop) the user may see and change')
    .argument('<username>', 'e.g. an e-mail address')
    .action((tenant: string, username: string) =>
      withDatabase(async (db) => {
        await ensureIndexes(db);
        // never from the command line (shell history, ps): typed hidden, or piped in
        const password = await new TerminalInput(process.stdin, process.stderr).ask('Password: ', {
          hidden: true,
        });
        const created = await new AdminUserStore(db).create({ tenant, username, password }, 'cli');
        process.stdout.write(
          `user ${created.username} may sign in to the admin page for tenant ${created.tenant}\n`,
        );
      }),
    );
  user
    .command('list')
    .description("a tenant's users (never their passwords)")
    .argument('<tenant>', 'the tenant')
    .action((tenant: string) =>
      withDatabase(async (db) => {
        for (const u of await new AdminUserStore(db).list(tenant))
          process.stdout.write(`${u.username} created ${u.createdAt.toISOString()} by ${u.createdBy}\n`);
      }),
    );
  user
    .command('remove')
    .description('delete a user and end their sessions')
    .argument('<tenant>', 'the tenant')
    .argument('<username>', 'the user')
    .action((tenant: string, username: string) =>
      withDatabase(async (db) => {
        if (!(await new AdminUserStore(db).remove(tenant, username)))
          throw new Error(`tenant ${tenant} has no user "${username}"`);
        await new SessionStore(db).endFor({ kind: 'owner', name: username.toLowerCase() });
        process.stdout.write(`removed ${username}\n`);
      }),
    );
}
