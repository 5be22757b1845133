import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { isConnectorError } from '../../../../core/plugin-api/index.ts';
import {
  decimalsIn,
  fieldFromMessage,
  fortnoxError,
  parseFortnoxError,
  toFortnoxJson,
} from '../../../../connectors/fortnox/client/index.ts';
import { schemaNamed } from '../../../../connectors/fortnox/client/numbers.ts';
import { ocr } from '../../../../connectors/fortnox/sandbox/registers.ts';
import { sharedPath } from '../../../helpers/shared.ts';

interface Cassette {
  http_interactions: {
    request: { method: string; uri: string };
    response: { status: { code: number }; body: { string: string } };
  }[];
}

const dir = sharedPath('fortnox-reference', 'recorded');
const cassettes = readdirSync(dir).map((file) => ({
  file,
  cassette: parse(readFileSync(`${dir}/${file}`, 'utf8')) as Cassette,
}));

describe('recorded Fortnox responses through the connector parsers', () => {
  it('turns every recorded error into the right core error with Fortnox code and status', () => {
    const expected: Record<number, string> = { 400: 'validation', 401: 'auth', 404: 'not_found' };
    let errors = 0;
    for (const { file, cassette } of cassettes) {
      for (const { request, response } of cassette.http_interactions) {
        if (response.status.code < 400) continue;
        errors++;
        const error = fortnoxError(response.status.code, response.body.string, {
          operation: `${request.method} ${request.uri}`,
          secrets: [],
        });
        expect(isConnectorError(error), file).toBe(true);
        expect(error.kind, file).toBe(expected[response.status.code]);
        expect(error.status).toBe(response.status.code);
        // The expired-token body is {"message":"unauthorized"}: no code to carry.
        if (response.body.string.includes('rrorInformation') || response.body.string.includes('"error"'))
          expect(error.code, file).toBeDefined();
      }
    }
    expect(errors).toBeGreaterThanOrEqual(10);
  });

  it('reads ErrorInformation keys in either casing', () => {
    expect(
      parseFortnoxError('{"ErrorInformation":{"Error":1,"Message":"Kan inte hitta ordern.","Code":2000439}}'),
    ).toEqual({ code: '2000439', message: 'Kan inte hitta ordern.' });
    expect(
      parseFortnoxError(
        '{"ErrorInformation":{"error":1,"message":"Ett ogiltigt filter har använts.","code":2000587}}',
      ),
    ).toEqual({ code: '2000587', message: 'Ett ogiltigt filter har använts.' });
    expect(parseFortnoxError('{"message":"unauthorized"}')).toEqual({ message: 'unauthorized' });
    expect(parseFortnoxError('<html>down</html>')).toEqual({ message: '<html>down</html>' });
  });

  it('names the field from a dotted name or a quoted value', () => {
    expect(fieldFromMessage('Värdet för Customer.ZipCode är för långt', undefined)).toBe('Customer.ZipCode');
    expect(
      fieldFromMessage('Värdet måste vara numeriskt (abc)', { Order: { OrderRows: [{ Price: 'abc' }] } }),
    ).toBe('Order.OrderRows[0].Price');
    expect(
      fieldFromMessage('Värdet måste vara numeriskt (1)', { Order: { A: '1', B: '1' } }),
    ).toBeUndefined();
  });

  it('turns amounts in recorded documents into decimal strings and keeps ids as they are', () => {
    const { cassette } = cassettes.find(({ file }) => file === 'orders_save_with_nested_model.yml')!;
    const body = JSON.parse(cassette.http_interactions[0]!.response.body.string) as { Order: unknown };
    const order = decimalsIn(body.Order, schemaNamed('fortnox_Order')) as Record<string, unknown> & {
      OrderRows: Record<string, unknown>[];
    };
    expect(order.Total).toBe('0');
    expect(order.DocumentNumber).toBe('7');
    expect(order.OrderRows[0]).toMatchObject({
      Price: '-9999999999',
      OrderedQuantity: '1',
      RowId: 5,
      AccountNumber: 3001,
    });
  });

  it('writes decimal strings as JSON numbers where Fortnox wants numbers, and quantities as given', () => {
    const json = toFortnoxJson(
      {
        Order: {
          CustomerNumber: '1',
          Freight: '49.00',
          OrderRows: [{ Price: '10.125', OrderedQuantity: '2', AccountNumber: '3001' }],
        },
      },
      schemaNamed('fortnox_Order_Wrap'),
    );
    expect(json).toBe(
      '{"Order":{"CustomerNumber":"1","Freight":49,"OrderRows":[{"Price":10.125,"OrderedQuantity":"2","AccountNumber":3001}]}}',
    );
  });

  it('computes OCR numbers like the recordings (1 → 133, 20 → 2048, 29 → 2949)', () => {
    expect([ocr('1'), ocr('20'), ocr('29')]).toEqual(['133', '2048', '2949']);
  });
});
