import type { DeadLetter } from '../dead-letter/dead-letter-store.ts';

/** One dead letter as an alert lists it: where and why, never the record itself (personal data). */
export interface AlertedDeadLetter {
  readonly id: string;
  readonly pipeline: string;
  readonly recordKey: string;
  readonly failedStep: string;
  readonly position: { readonly file: string; readonly line: number; readonly col: number };
  readonly error: {
    readonly message: string;
    readonly kind: string;
    readonly field?: string;
    readonly code?: string;
  };
  readonly firstFailedAt: string;
  readonly status: string;
}

/** The webhook body; the e-mail says the same in words. */
export interface AlertPayload {
  readonly type: 'koppla.dead-letters';
  /** The batch id: the same when an alert is sent again after a failure. */
  readonly id: string;
  readonly tenant: { readonly id: string; readonly name: string };
  /** Dead letters in this alert; `deadLetters` lists the first `listed` of them. */
  readonly count: number;
  readonly listed: number;
  readonly deadLetters: readonly AlertedDeadLetter[];
  readonly createdAt: string;
}

export function alertPayload(
  batchId: string,
  tenant: { readonly id: string; readonly name: string },
  letters: readonly DeadLetter[],
  count: number,
  createdAt: Date,
): AlertPayload {
  return {
    type: 'koppla.dead-letters',
    id: batchId,
    tenant: { id: tenant.id, name: tenant.name },
    count,
    listed: letters.length,
    deadLetters: letters.map((letter) => ({
      id: letter.id,
      pipeline: letter.pipeline,
      recordKey: letter.recordKey,
      failedStep: letter.failedStep,
      position: { file: letter.position.file, line: letter.position.line, col: letter.position.col },
      error: {
        message: letter.error.message,
        kind: letter.error.kind,
        ...(letter.error.field === undefined ? {} : { field: letter.error.field }),
        ...(letter.error.code === undefined ? {} : { code: letter.error.code }),
      },
      firstFailedAt: letter.firstFailedAt.toISOString(),
      status: letter.status,
    })),
    createdAt: createdAt.toISOString(),
  };
}

export function alertSubject(payload: AlertPayload): string {
  const n = payload.count;
  return `Koppla: ${n} new dead letter${n === 1 ? '' : 's'} for ${payload.tenant.name}`;
}

export function alertText(payload: AlertPayload): string {
  const { tenant, count } = payload;
  const lines = [
    `${count} record${count === 1 ? '' : 's'} of ${tenant.name} (tenant ${tenant.id}) failed and ${count === 1 ? 'waits' : 'wait'} in the dead letters:`,
    '',
  ];
  for (const letter of payload.deadLetters) {
    const { file, line, col } = letter.position;
    const detail = [
      letter.error.field === undefined ? undefined : `field ${letter.error.field}`,
      letter.error.code === undefined ? undefined : `code ${letter.error.code}`,
    ].filter((part) => part !== undefined);
    lines.push(
      `- ${letter.pipeline}, record ${letter.recordKey}, step ${letter.failedStep} (${file}:${line}:${col}): ` +
        `${letter.error.kind}: ${letter.error.message}${detail.length > 0 ? ` [${detail.join(', ')}]` : ''}`,
      `  first failed ${letter.firstFailedAt}; dead letter ${letter.id}`,
    );
  }
  if (payload.listed < count)
    lines.push(`… and ${count - payload.listed} more (koppla status --tenant ${tenant.id}).`);
  lines.push(
    '',
    `Fix the cause, then replay: npx koppla replay <dead letter id>, or npx koppla replay --all --tenant ${tenant.id}`,
  );
  return `${lines.join('\n')}\n`;
}
