import type { Command } from 'commander';
import { TOKENS } from '../../container/tokens.ts';
import { PipelineRunner } from '../../executor/pipeline-runner.ts';
import type { RuntimeLogger } from '../../logging/logger.ts';
import type { ConnectorRegistry } from '../../registry/connector-registry.ts';
import { registerTenantWebhooks } from '../../service/register-webhooks.ts';
import type { TenantDirectory } from '../../tenants/tenant-directory.ts';
import { runtimeCommand } from '../runtime-command.ts';
import { withRuntime, type RuntimeCommandOptions } from '../runtime-session.ts';

export function registerWebhooksCommand(program: Command): void {
  const webhooks = program.command('webhooks').description("the shop's webhooks to this installation");
  runtimeCommand(
    webhooks,
    'register',
    "make each system a tenant's pipelines listen to deliver their events here (creates missing webhooks, switches disabled ones on)",
  )
    .requiredOption('--tenant <id>', 'the tenant')
    .requiredOption('--url <address>', "this installation's public address, e.g. https://koppla.example.se")
    .action((options: RuntimeCommandOptions & { tenant: string; url: string }) =>
      withRuntime(options, async (container) => {
        if (!/^https?:\/\//.test(options.url)) throw new Error('--url must be an http(s) address');
        const tenant = container.resolve<TenantDirectory>(TOKENS.Tenants).get(options.tenant);
        const runner = container.createChildContainer().resolve(PipelineRunner);
        const plans = tenant.pipelines.filter((p) => p.enabled).map((p) => runner.plan(tenant, p.file).plan);
        const results = await registerTenantWebhooks({
          tenant,
          plans,
          connectors: container.resolve<ConnectorRegistry>(TOKENS.Connectors),
          publicUrl: options.url,
          logger: container.resolve<RuntimeLogger>(TOKENS.Logger),
        });
        if (results.length === 0)
          process.stdout.write(`no pipeline of ${tenant.id} is triggered by events: nothing to register\n`);
        for (const result of results) {
          process.stdout.write(`${result.connection} (${result.connector}) → ${result.deliveryUrl}\n`);
          if (!result.registrations) {
            process.stdout.write(
              `  ${result.connector} cannot register webhooks itself: set up ${result.events.join(', ')} there by hand\n`,
            );
            continue;
          }
          for (const r of result.registrations)
            process.stdout.write(`  ${r.event}: ${r.action} (webhook ${r.id})\n`);
        }
      }),
    );
}
