import { describe, expect, it } from 'vitest';
import { KopplaUserError } from '../../../core/diagnostics/index.ts';
import { parseYamlSource } from '../../../core/config/index.ts';

const text = `apiVersion: koppla/v1
kind: Pipeline
steps:
  - id: decide
    uses: rules.evaluate
  - id: order
    uses: ledger.orders.create
    with:
      Rows:
        $each: { var: decisions.lines }
        as: row
        emit: { Price: { money.round: [{ var: row.price }, 2] } }
`;

describe('parseYamlSource', () => {
  const source = parseYamlSource(text, 'p.yaml');

  it('keeps the value', () => {
    expect((source.value as { steps: { id: string }[] }).steps.map((s) => s.id)).toEqual(['decide', 'order']);
  });

  it('maps a JSON Pointer to the line and column of the value', () => {
    expect(source.positionOf('/steps/1/uses')).toEqual({ file: 'p.yaml', line: 7, col: 11 });
    expect(source.positionOf('/kind')).toEqual({ file: 'p.yaml', line: 2, col: 7 });
  });

  it('maps a pointer into an expression nested in flow style', () => {
    expect(source.positionOf('/steps/1/with/Rows/emit/Price/money.round/0/var')).toEqual({
      file: 'p.yaml',
      line: 12,
      col: 47,
    });
  });

  it('maps a key position for unknown-property findings', () => {
    expect(source.keyPositionOf('/steps/1/with')).toEqual({ file: 'p.yaml', line: 8, col: 5 });
  });

  it('falls back to the nearest existing ancestor', () => {
    expect(source.positionOf('/steps/1/with/Missing/deeper')).toEqual({ file: 'p.yaml', line: 9, col: 7 });
    expect(source.positionOf('/steps/9')).toEqual(source.positionOf('/steps'));
  });

  it('reports YAML syntax errors with file:line:col', () => {
    const error = (() => {
      try {
        parseYamlSource('a: 1\nb: [1, 2\nc: 3\n', 'bad.yaml');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(KopplaUserError);
    const [first] = (error as KopplaUserError).diagnostics;
    expect(first).toMatchObject({ file: 'bad.yaml', rule: 'yaml-syntax', severity: 'error' });
    expect(first?.line).toBeGreaterThanOrEqual(2);
  });

  it('reports duplicate keys as their own rule', () => {
    expect(() => parseYamlSource('a: 1\na: 2\n', 'dup.yaml')).toThrow(KopplaUserError);
    try {
      parseYamlSource('a: 1\na: 2\n', 'dup.yaml');
    } catch (e) {
      expect((e as KopplaUserError).diagnostics[0]).toMatchObject({ rule: 'duplicate-key', line: 2, col: 1 });
    }
  });
});
