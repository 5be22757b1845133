import type { TraceEntry } from './types.ts';

/**
 * One trace entry as `koppla explain` prints it:
 * `example-vat@1.0.0 line 2 MATCHED domestic-standard rules/example-vat/pack.yaml:71`.
 */
export function formatTraceEntry(entry: TraceEntry): string {
  const line = entry.lineIndex === undefined ? '' : ` line ${entry.lineIndex}`;
  const message = entry.message === undefined ? '' : ` — ${entry.message}`;
  return `${entry.pack}@${entry.packVersion}${line} ${entry.reason} ${entry.rule} ${entry.source}${message}`;
}
