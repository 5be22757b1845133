import type { StreamPage } from '../../core/plugin-api/index.ts';
import {
  admit,
  openDeadLettersOf,
  runAdmitted,
  deadLetterRejected,
  type RunState,
} from '../executor/record-intake.ts';
import { runPipeline, type PipelineRunPorts, type RunSummary } from '../executor/run-pipeline.ts';
import { RunReport } from '../executor/run-report.ts';

/**
 * `runPipeline` with up to `concurrency` records of a page in flight at once. Records are
 * independent (each has its own ledger keys), and the cursor still moves only past pages whose every
 * record is handled, so a crash re-reads at most the unfinished page. The service's request budget
 * still caps the pace: concurrency only hides the latency of each record's round trips (MongoDB,
 * HTTP) behind the others'. Batched pipelines run as they always do.
 */
export async function runConcurrently(ports: PipelineRunPorts, concurrency: number): Promise<RunSummary> {
  const { plan } = ports;
  if (concurrency <= 1 || plan.source.batch) return runPipeline(ports);
  const summary: RunSummary = { read: 0, processed: 0, skipped: 0, failed: 0, pages: 0 };
  const cursor = await ports.readCursor();
  const pages: AsyncIterable<StreamPage<unknown>> = ports.stream.read(ports.streamContext, {
    ...(cursor === undefined ? {} : { cursor }),
    ...(plan.source.pageSize === undefined ? {} : { pageSize: plan.source.pageSize }),
  });
  const state: RunState = { ports, summary, report: new RunReport(plan), startCursor: cursor };
  for await (const page of pages) {
    summary.pages++;
    await deadLetterRejected(state, page.rejected ?? []);
    const units: { record: unknown; key: string }[] = [];
    for (const record of page.records) {
      const key = await admit(state, record);
      if (key !== undefined) units.push({ record, key });
    }
    const open = await openDeadLettersOf(state, units);
    let next = 0;
    let stop = false;
    const worker = async () => {
      while (!stop && next < units.length) {
        const unit = units[next++]!;
        if ((await runAdmitted(state, unit, open)) === 'stop') stop = true;
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, units.length) }, worker));
    // a retryable failure: the page is read again next time, the ledger answers what went through
    if (stop) break;
    if (page.cursor) await ports.advanceCursor(page.cursor);
  }
  const report = state.report.summary();
  if (report) summary.report = report;
  return summary;
}
