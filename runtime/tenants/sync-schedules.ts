import type { ExecutionPlan } from '../../core/plan/execution-plan.ts';
import type { Tenant } from './tenant.ts';

/** What the sync needs of `PipelineScheduler`. */
export interface ScheduleTarget {
  ensureSchedule(tenant: string, pipeline: string, everyMs: number): Promise<void>;
  unschedule(tenant: string, pipeline: string): Promise<void>;
}

export interface ScheduleChange {
  readonly pipeline: string;
  readonly action: 'scheduled' | 'unscheduled';
  readonly everyMs?: number;
}

/**
 * Makes a tenant's schedules match it after a change: every enabled pipeline with an interval (the
 * tenant's, else the pipeline's own) runs at that interval; a disabled tenant or pipeline, one that
 * has no interval (events only) and one the tenant no longer lists run no more. Pipelines that do
 * not compile are left as they are (`plan` returns undefined). Idempotent: safe to repeat.
 */
export async function syncTenantSchedules(
  scheduler: ScheduleTarget,
  plan: (file: string) => ExecutionPlan | undefined,
  before: Tenant | undefined,
  after: Tenant | undefined,
): Promise<ScheduleChange[]> {
  const changes: ScheduleChange[] = [];
  const kept = new Set<string>();
  for (const entry of after?.pipelines ?? []) {
    const compiled = plan(entry.file);
    if (!compiled || !after) continue;
    kept.add(compiled.id);
    const everyMs = entry.everyMs ?? compiled.trigger.everyMs;
    if (!after.enabled || !entry.enabled || everyMs === undefined) {
      await scheduler.unschedule(after.id, compiled.id);
      changes.push({ pipeline: compiled.id, action: 'unscheduled' });
    } else {
      await scheduler.ensureSchedule(after.id, compiled.id, everyMs);
      changes.push({ pipeline: compiled.id, action: 'scheduled', everyMs });
    }
  }
  for (const entry of before?.pipelines ?? []) {
    const compiled = plan(entry.file);
    if (!compiled || !before || kept.has(compiled.id)) continue;
    await scheduler.unschedule(before.id, compiled.id);
    changes.push({ pipeline: compiled.id, action: 'unscheduled' });
  }
  return changes;
}
