import type { Collection, Db } from 'mongodb';
import { systemClock, type Clock } from './clock.ts';
import { COLLECTIONS } from './collections.ts';

/** A source position: a timestamp (ISO string or Date) or a number such as an id or a version. */
export type CursorValue = string | number | Date;

export interface Cursor {
  readonly tenant: string;
  readonly pipeline: string;
  readonly value: CursorValue;
  readonly updatedAt: Date;
  readonly runId?: string;
}

interface CursorDocument {
  _id: string;
  tenant: string;
  pipeline: string;
  value: CursorValue;
  updatedAt: Date;
  runId?: string;
}

/**
 * Where each (tenant, pipeline) has read its source up to. A cursor only moves forward. Only the run
 * that holds the (tenant, pipeline) run lease writes it, so a plain read-then-update is safe even on
 * FerretDB, where conditional updates are not atomic.
 */
export class CursorStore {
  private readonly collection: Collection<CursorDocument>;
  private readonly now: Clock;

  constructor(db: Db, options: { readonly now?: Clock } = {}) {
    this.collection = db.collection<CursorDocument>(COLLECTIONS.cursors);
    this.now = options.now ?? systemClock;
  }

  async get(tenant: string, pipeline: string): Promise<Cursor | undefined> {
    const found = await this.collection.findOne({ _id: cursorId(tenant, pipeline) });
    return found ? toCursor(found) : undefined;
  }

  /**
   * Moves the cursor to `value` if that is past where it is. Returns true when it moved; an equal or
   * older value is ignored (a re-run of an older page must not rewind the source).
   */
  async advance(tenant: string, pipeline: string, value: CursorValue, runId?: string): Promise<boolean> {
    const current = await this.get(tenant, pipeline);
    if (current && compareCursorValues(value, current.value) <= 0) return false;
    await this.write(tenant, pipeline, value, runId);
    return true;
  }

  /** Sets the cursor to any value, also backwards: an operator's "read again from here". */
  async reset(tenant: string, pipeline: string, value: CursorValue | undefined): Promise<void> {
    if (value === undefined) {
      await this.collection.deleteOne({ _id: cursorId(tenant, pipeline) });
      return;
    }
    await this.write(tenant, pipeline, value, undefined);
  }

  private async write(tenant: string, pipeline: string, value: CursorValue, runId: string | undefined) {
    await this.collection.updateOne(
      { _id: cursorId(tenant, pipeline) },
      {
        $set: {
          tenant,
          pipeline,
          value,
          updatedAt: new Date(this.now()),
          ...(runId === undefined ? {} : { runId }),
        },
        ...(runId === undefined ? { $unset: { runId: '' } } : {}),
      },
      { upsert: true },
    );
  }
}

function cursorId(tenant: string, pipeline: string): string {
  return JSON.stringify([tenant, pipeline]);
}

function toCursor(document: CursorDocument): Cursor {
  return {
    tenant: document.tenant,
    pipeline: document.pipeline,
    value: document.value,
    updatedAt: document.updatedAt,
    ...(document.runId === undefined ? {} : { runId: document.runId }),
  };
}

/**
 * Orders two cursor values of the same kind: numbers numerically, Dates and ISO timestamps by instant,
 * other strings lexicographically. Mixing kinds is a bug in the pipeline, so it throws.
 */
export function compareCursorValues(a: CursorValue, b: CursorValue): number {
  const ka = kindOf(a);
  const kb = kindOf(b);
  if (ka !== kb) throw new TypeError(`cannot compare a ${ka} cursor with a ${kb} cursor`);
  if (ka === 'number' || ka === 'instant') {
    const na = ka === 'number' ? (a as number) : instantOf(a);
    const nb = kb === 'number' ? (b as number) : instantOf(b);
    return na === nb ? 0 : na < nb ? -1 : 1;
  }
  return a === b ? 0 : (a as string) < (b as string) ? -1 : 1;
}

const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

function kindOf(value: CursorValue): 'number' | 'instant' | 'string' {
  if (typeof value === 'number') return 'number';
  if (value instanceof Date || ISO_TIMESTAMP.test(value)) return 'instant';
  return 'string';
}

function instantOf(value: CursorValue): number {
  return value instanceof Date ? value.getTime() : Date.parse(value as string);
}
