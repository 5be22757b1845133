import type { RecordOutcome } from '../../core/plan/execute-record.ts';
import type { ExecutionPlan } from '../../core/plan/execution-plan.ts';

/** One finding of a run report: how many distinct values, and the first of them. */
export interface ReportFinding {
  readonly count: number;
  readonly values: readonly unknown[];
}

export type RunReportSummary = Readonly<Record<string, ReportFinding>>;

/** Values kept per finding in the summary; the count covers them all. */
export const REPORT_VALUES_KEPT = 100;

/**
 * What the `report` steps of a run found, each distinct value once however many records or batches
 * name it (a SKU missing in the shop is one finding per run, not one per batch or per retry).
 */
export class RunReport {
  readonly #steps: ReadonlySet<string>;
  readonly #findings = new Map<string, { seen: Set<unknown>; values: unknown[] }>();

  constructor(plan: ExecutionPlan) {
    this.#steps = new Set(plan.steps.filter((step) => step.kind === 'report').map((step) => step.id));
  }

  /** Takes the output of every report step that ran for a record or batch. */
  add(outcome: RecordOutcome): void {
    if (this.#steps.size === 0) return;
    for (const step of outcome.steps) {
      if (step.status !== 'done' || !this.#steps.has(step.id)) continue;
      for (const [name, value] of Object.entries(step.output as Record<string, unknown>)) {
        for (const each of Array.isArray(value) ? value : [value]) this.#note(name, each);
      }
    }
  }

  #note(name: string, value: unknown): void {
    if (value === undefined || value === null || value === '') return;
    let finding = this.#findings.get(name);
    if (!finding) {
      finding = { seen: new Set(), values: [] };
      this.#findings.set(name, finding);
    }
    // objects are told apart by content, everything else by value
    const identity = typeof value === 'object' ? JSON.stringify(value) : value;
    if (finding.seen.has(identity)) return;
    finding.seen.add(identity);
    if (finding.values.length < REPORT_VALUES_KEPT) finding.values.push(value);
  }

  /** Undefined when nothing was reported. */
  summary(): RunReportSummary | undefined {
    if (this.#findings.size === 0) return undefined;
    return Object.fromEntries(
      [...this.#findings].map(([name, { seen, values }]) => [name, { count: seen.size, values }]),
    );
  }
}
