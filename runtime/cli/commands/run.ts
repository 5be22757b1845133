import type { Command } from 'commander';
import { MongoClient } from 'mongodb';
import { createRuntimeContainer } from '../../container/create-container.ts';
import { PipelineRunner } from '../../executor/pipeline-runner.ts';
import { loadTenantsFile } from '../../tenants/load-tenants-file.ts';
import { openWorkspace, withPluginOption, type WorkspaceOptions } from '../workspace-options.ts';

interface RunOptions extends WorkspaceOptions {
  tenant: string;
  config: string;
}

export function registerRunCommand(program: Command): void {
  withPluginOption(
    program
      .command('run')
      .description('run one tenant pipeline now (needs MONGODB_URI) and print its summary')
      .argument('<pipeline>', 'pipeline id or file, as listed for the tenant')
      .requiredOption('--tenant <id>', 'the tenant')
      .option('-c, --config <file>', 'tenants file', 'koppla.yaml'),
  ).action(async (pipeline: string, options: RunOptions) => {
    const uri = process.env.MONGODB_URI;
    if (!uri)
      throw new Error("set MONGODB_URI to the MongoDB that keeps Koppla's state (npm run db starts one)");
    const tenants = loadTenantsFile(options.config);
    const { connectors } = await openWorkspace(options);
    const client = await MongoClient.connect(uri, { serverSelectionTimeoutMS: 5_000 });
    try {
      const container = await createRuntimeContainer({ db: client.db(), connectors, tenants });
      const outcome = await container
        .createChildContainer()
        .resolve(PipelineRunner)
        .run(options.tenant, pipeline, 'manual');
      if (outcome.status === 'skipped') {
        process.stdout.write(`skipped: ${outcome.reason}\n`);
        return;
      }
      const s = outcome.summary;
      process.stdout.write(
        `run ${outcome.runId} ${outcome.status}: ${s.read} read, ${s.processed} processed, ${s.skipped} skipped, ${s.failed} failed (dead letters)` +
          `${s.retryLater ? `; stopped at ${s.retryLater.recordKey} (${s.retryLater.message}), resumes next run` : ''}\n`,
      );
      if (outcome.status !== 'succeeded') process.exitCode = 1;
    } finally {
      await client.close();
    }
  });
}
