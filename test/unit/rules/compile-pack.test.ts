import { describe, expect, it } from 'vitest';
import { compile, HEADER, mustCompile, where } from './helpers.ts';

describe('compileRulePack: schema', () => {
  it('names an unknown property at its key and suggests the closest allowed one', () => {
    const result = compile(`${HEADER}scope: order
output: document
rules:
  - id: always
    when: true
    then: { kind: order }
    enabeld: false
`);
    expect(result.pack).toBeUndefined();
    expect(where(result)).toEqual(['10:5 schema']);
    expect(result.diagnostics[0]?.message).toMatch(/unknown property "enabeld" \(did you mean "enabled"\?\)/);
  });

  it('reports a bad enum value at the value', () => {
    const result = compile(`${HEADER}scope: orders
output: document
rules:
  - id: always
    when: true
    then: { kind: order }
`);
    expect(result.pack).toBeUndefined();
    expect(where(result)).toEqual(['4:8 schema']);
    expect(result.diagnostics[0]?.message).toBe('must be one of "order", "line"');
  });

  it('reports a missing required property', () => {
    const result = compile(`${HEADER}scope: order
rules:
  - { id: always, when: true, then: { kind: order } }
`);
    expect(result.diagnostics.map((d) => [d.rule, d.message])).toEqual([
      ['schema', 'missing required property "output"'],
    ]);
  });
});

describe('compileRulePack: semantic checks', () => {
  it('duplicate-rule-id at the second id', () => {
    const result = compile(`${HEADER}scope: order
output: document
rules:
  - id: card
    when: { "==": [{ var: record.paymentMethod.id }, stripe] }
    then: { kind: both }
  - id: card
    when: true
    then: { kind: order }
`);
    expect(result.pack).toBeUndefined();
    expect(where(result)).toEqual(['10:9 duplicate-rule-id']);
    expect(result.diagnostics[0]?.message).toBe('duplicate rule id "card" (first used by rule 1)');
  });

  it('unknown-condition with did-you-mean, at the name', () => {
    const result = compile(`${HEADER}scope: order
output: vat
conditions:
  isSwedish: { "==": [{ var: record.billingAddress.countryCode }, SE] }
rules:
  - id: domestic
    when: { and: [{ condition: isSwedsh }, true] }
    then: { account: "3001" }
`);
    expect(result.pack).toBeUndefined();
    expect(where(result)).toEqual(['10:32 unknown-condition']);
    expect(result.diagnostics[0]?.message).toBe('unknown condition "isSwedsh" (did you mean "isSwedish"?)');
  });

  it('condition-cycle once per cycle, at the reference that closes it', () => {
    const result = compile(`${HEADER}scope: order
output: vat
conditions:
  a: { condition: b }
  b: { and: [true, { condition: a }] }
  c: { condition: c }
rules:
  - id: r
    when: { condition: a }
    then: { x: "1" }
`);
    expect(result.pack).toBeUndefined();
    expect(where(result)).toEqual(['8:33 condition-cycle', '9:19 condition-cycle']);
    expect(result.diagnostics.map((d) => d.message)).toEqual([
      'condition cycle: a → b → a',
      'condition cycle: c → c',
    ]);
  });

  it('unknown-operator at the operator, in when, in conditions and in then', () => {
    const result = compile(`${HEADER}scope: order
output: vat
conditions:
  isEU: { eu.membr: [SE] }
rules:
  - id: r
    when: { and: [{ condition: isEU }, { "==": [1, 1] }, { mony.eq: ["1", "1"] }] }
    then: { account: { money.ad: ["1", "2"] } }
`);
    expect(result.pack).toBeUndefined();
    expect(where(result)).toEqual([
      '7:11 unknown-operator',
      '10:60 unknown-operator',
      '11:24 unknown-operator',
    ]);
    expect(result.diagnostics[0]?.message).toMatch(/unknown operator "eu.membr"; did you mean "eu.member"\?/);
  });

  it("reports the expression layer's other problems under their own codes", () => {
    const result = compile(`${HEADER}scope: order
output: vat
rules:
  - id: r
    when: { "+": [1, 2] }
    then: { account: { "!": [1, 2] } }
`);
    expect(result.pack).toBeUndefined();
    expect(where(result)).toEqual(['8:13 disallowed-operator', '9:29 argument-count']);
  });

  it('invalid-params-schema for a misspelt keyword, at the key', () => {
    const result = compile(`${HEADER}scope: order
output: vat
params:
  type: object
  properties:
    rate: { type: string, defualt: "25" }
rules:
  - { id: r, when: true, then: { x: "1" } }
`);
    expect(result.pack).toBeUndefined();
    expect(where(result)).toEqual(['9:27 invalid-params-schema']);
    expect(result.diagnostics[0]?.message).toMatch(/unknown keyword: "defualt".*did you mean "default"/);
  });

  it('invalid-params-schema for a schema the meta-schema rejects', () => {
    const result = compile(`${HEADER}scope: order
output: vat
params:
  type: object
  properties:
    rate: { type: text }
rules:
  - { id: r, when: true, then: { x: "1" } }
`);
    expect(result.pack).toBeUndefined();
    expect(result.diagnostics.map((d) => d.rule)).toContain('invalid-params-schema');
  });

  it('reserved-output for a pack writing decisions.lines', () => {
    const result = compile(`${HEADER}scope: order
output: lines
rules:
  - { id: r, when: true, then: { x: "1" } }
`);
    expect(where(result)).toEqual(['5:9 reserved-output']);
  });

  it('unreachable-rule: a warning for rules after a catch-all and for the default; the pack still compiles', () => {
    const result = compile(`${HEADER}scope: order
output: document
conditions:
  always: true
rules:
  - { id: card, when: { "==": [{ var: record.paymentMethod.id }, stripe] }, then: { kind: both } }
  - { id: everything, when: { condition: always }, then: { kind: order } }
  - { id: invoice, when: { "==": [{ var: record.paymentMethod.id }, bacs] }, then: { kind: invoice } }
default:
  then: { kind: order }
`);
    expect(result.pack).toBeDefined();
    expect(where(result)).toEqual(['11:11 unreachable-rule', '12:1 unreachable-rule']);
    expect(result.diagnostics.every((d) => d.severity === 'warning')).toBe(true);
    expect(result.diagnostics[0]?.message).toBe(
      'rule "invoice" is never reached: rule "everything" (rule 2) always matches',
    );
  });

  it('no unreachable-rule for a catch-all that is off by default, nor for rules after it with strategy all', () => {
    expect(
      where(
        compile(`${HEADER}scope: order
output: document
rules:
  - { id: everything, enabled: false, when: true, then: { kind: order } }
  - { id: invoice, when: true, then: { kind: invoice } }
`),
      ),
    ).toEqual([]);
    expect(
      where(
        compile(`${HEADER}scope: order
output: document
strategy: all
rules:
  - { id: base, when: true, then: { kind: order } }
  - { id: invoice, when: false, then: { kind: invoice } }
`),
      ),
    ).toEqual([]);
  });
});

describe('compileRulePack: the compiled pack', () => {
  const text = `${HEADER}scope: line
output: vat
strategy: first-match
conditions:
  isSwedish: { "==": [{ var: record.deliveryAddress.countryCode }, SE] }
  isStandard: { and: [{ condition: isSwedish }, { money.eq: [{ var: line.taxRate }, "25"] }] }
rules:
  - id: domestic-standard
    description: Swedish customer, standard rate
    when: { condition: isStandard }
    then: { account: "3001", vatPercent: "25" }
  - id: off-by-default
    enabled: false
    when: true
    then: { account: "9999" }
default:
  then: { account: "3001" }
`;

  it('inlines conditions, recursively, so the rule carries the whole expression', () => {
    const pack = mustCompile(text);
    expect(pack.rules[0]?.when).toEqual({
      and: [
        { '==': [{ var: 'record.deliveryAddress.countryCode' }, 'SE'] },
        { 'money.eq': [{ var: 'line.taxRate' }, '25'] },
      ],
    });
  });

  it('keeps identity, positions and defaults', () => {
    const pack = mustCompile(text, 'rules/demo/pack.yaml');
    expect(pack).toMatchObject({
      id: 'demo',
      version: '1.2.3',
      scope: 'line',
      output: 'vat',
      strategy: 'first-match',
      file: 'rules/demo/pack.yaml',
    });
    expect(pack.rules.map((r) => [r.id, r.key, r.enabled, r.at])).toEqual([
      ['domestic-standard', 'demo/domestic-standard', true, 'rules/demo/pack.yaml:11'],
      ['off-by-default', 'demo/off-by-default', false, 'rules/demo/pack.yaml:15'],
    ]);
    expect(pack.rules[0]?.source).toEqual({ file: 'rules/demo/pack.yaml', line: 11, col: 9 });
    expect(pack.default?.at).toBe('rules/demo/pack.yaml:20');
  });

  it("is deeply frozen, and leaves the caller's parsed YAML alone", () => {
    const pack = mustCompile(text);
    expect(Object.isFrozen(pack)).toBe(true);
    expect(Object.isFrozen(pack.rules)).toBe(true);
    expect(Object.isFrozen(pack.rules[0]?.when)).toBe(true);
    expect(Object.isFrozen(pack.rules[0]?.then)).toBe(true);
    expect(() => {
      (pack.rules[0]!.then as Record<string, unknown>).account = '3002';
    }).toThrow(TypeError);
  });
});
