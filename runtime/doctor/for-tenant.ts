import type { DependencyContainer } from 'tsyringe';
import { TOKENS } from '../container/tokens.ts';
import { PipelineRunner } from '../executor/pipeline-runner.ts';
import type { RuntimeLogger } from '../logging/logger.ts';
import type { ConnectorRegistry } from '../registry/connector-registry.ts';
import type { TenantDirectory } from '../tenants/tenant-directory.ts';
import { runDoctor } from './doctor.ts';
import type { DoctorReport } from './types.ts';

/** The doctor for one tenant of a runtime container (CLI and admin API): its enabled pipelines, compiled. */
export async function doctorForTenant(
  container: DependencyContainer,
  tenantId: string,
  signal?: AbortSignal,
): Promise<DoctorReport> {
  const tenant = container.resolve<TenantDirectory>(TOKENS.Tenants).get(tenantId);
  const runner = container.resolve(PipelineRunner);
  const pipelines = tenant.pipelines.filter((p) => p.enabled).map((p) => runner.compiled(p.file));
  return runDoctor({
    tenant,
    pipelines,
    connectors: container.resolve<ConnectorRegistry>(TOKENS.Connectors),
    logger: container.resolve<RuntimeLogger>(TOKENS.Logger),
    ...(signal ? { signal } : {}),
  });
}
