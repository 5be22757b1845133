import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { explainRecord } from '../../../runtime/project/explain-record.ts';
import { parseToggles } from '../../../runtime/cli/commands/explain.ts';
import { fixtureWorkspace } from '../../helpers/workspace.ts';

const pipeline = fileURLToPath(new URL('../../fixtures/pipelines/orders-example.yaml', import.meta.url));
const recordFile = fileURLToPath(
  new URL('../../fixtures/pipelines/records/se-card-order.json', import.meta.url),
);

describe('koppla explain', async () => {
  const workspace = await fixtureWorkspace();
  const record = workspace.readRecord(recordFile);

  it('shows decisions, the rule trace with sources, and every payload with mocked answers', async () => {
    const explanation = await explainRecord(workspace, pipeline, record);
    expect(explanation.outcome.decisions).toMatchObject({ document: { kind: 'both' } });
    expect(explanation.outcome.trace).toContainEqual(
      expect.objectContaining({
        pack: 'document-kind',
        rule: 'paid-by-card',
        reason: 'MATCHED',
        source: expect.stringMatching(/document-kind\/pack\.yaml:\d+$/),
      }),
    );
    expect(explanation.calls.map((c) => c.uses)).toEqual([
      'ledger.customers.upsert',
      'ledger.orders.create',
      'ledger.invoices.create',
    ]);
    // the customer number in the order comes from the customer operation's example answer
    expect(explanation.calls[1]?.input).toMatchObject({ CustomerNumber: '1001', YourOrderNumber: '5001' });
  });

  it('honours toggles', async () => {
    const explanation = await explainRecord(workspace, pipeline, record, {
      toggles: parseToggles(['document-kind/paid-by-card=off']),
    });
    expect(explanation.outcome.decisions).toMatchObject({ document: { kind: 'order' } });
    expect(explanation.calls.map((c) => c.step)).toEqual(['customer', 'order']);
  });

  it('parses pack and rule toggles, and rejects malformed ones', () => {
    expect(parseToggles(['se-vat=off', 'document-kind/paid-by-card=on'])).toEqual({
      packs: { 'se-vat': false },
      rules: { 'document-kind/paid-by-card': true },
    });
    expect(() => parseToggles(['se-vat'])).toThrow(/--toggle se-vat/);
  });
});
