import cliProgress from 'cli-progress';
import type { BackfillProgressSink } from '../../backfill/backfill.ts';
import type { BackfillCounts } from '../../backfill/backfill-store.ts';
import type { ProgressStream } from './run-progress.ts';

/**
 * The bar of `koppla backfill`: orders of the window handled so far out of what the shop says the
 * window holds, with the writes sent and the calls made. On a terminal only (stderr), so stdout
 * keeps the summary scripts read; it moves once per finished page (the checkpoint).
 */
export class BackfillProgress implements BackfillProgressSink {
  readonly #bar: cliProgress.SingleBar | undefined;

  constructor(stream: ProgressStream, label: string) {
    if (stream.isTTY !== true) return;
    this.#bar = new cliProgress.SingleBar(
      {
        stream: stream as NodeJS.WritableStream,
        format: `${label} [{bar}] {value}/{total} orders | {sent} sent, {fromLedger} already done | {calls} calls | {duration_formatted} (eta {eta_formatted})`,
        hideCursor: true,
        clearOnComplete: true,
        etaBuffer: 50,
      },
      cliProgress.Presets.shades_classic,
    );
  }

  start(total: number | undefined): void {
    this.#bar?.start(total ?? 0, 0, { sent: 0, fromLedger: 0, calls: 0 });
  }

  update(counts: BackfillCounts): void {
    if (!this.#bar) return;
    // orders of the window read, all of whose pages are finished (the checkpoint moved past them)
    const handled = counts.read;
    if (handled > this.#bar.getTotal()) this.#bar.setTotal(handled);
    this.#bar.update(handled, { sent: counts.sent, fromLedger: counts.fromLedger, calls: counts.calls });
  }

  stop(): void {
    this.#bar?.stop();
  }
}
