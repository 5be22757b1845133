import { describe, expect, it } from 'vitest';
import { closest, didYouMean, editDistance } from '../../../core/validate/did-you-mean.ts';

describe('did you mean', () => {
  it('measures edit distance', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
  });

  it('suggests the closest plausible name', () => {
    expect(closest('invoices.creat', ['orders.create', 'invoices.create', 'customers.upsert'])).toBe(
      'invoices.create',
    );
    expect(didYouMean('fortnx', ['fortnox', 'woocommerce'])).toBe(' (did you mean "fortnox"?)');
  });

  it('stays quiet when nothing is close', () => {
    expect(closest('zzzzzz', ['fortnox', 'woocommerce'])).toBeUndefined();
    expect(didYouMean('x', [])).toBe('');
  });
});
