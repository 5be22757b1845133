/** `source.cursor.lookback` on the cursors the shipped streams write. */
import { describe, expect, it } from 'vitest';
import { cursorInstant, readStart } from '../../../runtime/executor/lookback.ts';

const FIFTEEN_MIN = 15 * 60_000;

describe('readStart', () => {
  it('no cursor: reads from the start, lookback or not', () => {
    expect(readStart(undefined, FIFTEEN_MIN)).toEqual({});
  });

  it('no lookback: resumes at the cursor', () => {
    expect(readStart('2026-03-01T12:00:00Z', 0)).toEqual({ cursor: '2026-03-01T12:00:00Z' });
  });

  it('a timestamp cursor (Fortnox read windows): since = cursor − lookback', () => {
    expect(readStart('2026-03-01T12:00:00.000Z', FIFTEEN_MIN)).toEqual({ since: '2026-03-01T11:45:00.000Z' });
  });

  it('a WooCommerce watermark: its modifiedAt; one per collection: the earliest', () => {
    expect(readStart('{"modifiedAt":"2026-03-01T12:00:00Z","ids":["7","9"]}', FIFTEEN_MIN)).toEqual({
      since: '2026-03-01T11:45:00.000Z',
    });
    const products =
      '{"products":{"modifiedAt":"2026-03-01T12:00:00Z","ids":[]},"variations":{"modifiedAt":"2026-03-01T10:00:00Z","ids":[]}}';
    expect(readStart(products, FIFTEEN_MIN)).toEqual({ since: '2026-03-01T09:45:00.000Z' });
  });

  it('a time without a zone is UTC', () => {
    expect(cursorInstant('2026-03-01T12:00:00')).toBe(Date.parse('2026-03-01T12:00:00Z'));
  });

  it('a cursor that is not a time (a page, an id) resumes as it is', () => {
    expect(readStart('5', FIFTEEN_MIN)).toEqual({ cursor: '5' });
    expect(readStart('{"page":3}', FIFTEEN_MIN)).toEqual({ cursor: '{"page":3}' });
    expect(readStart('not json {', FIFTEEN_MIN)).toEqual({ cursor: 'not json {' });
  });
});
