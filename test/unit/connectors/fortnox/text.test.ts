import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../../core/plugin-api/index.ts';
import {
  ALLOWED_TEXT,
  applyTextPolicy,
  cleanText,
  truncateText,
} from '../../../../connectors/fortnox/schemas/text.ts';

describe("Fortnox's character set", () => {
  it('keeps what Fortnox accepts and replaces or drops the rest', () => {
    expect(cleanText('Åsa Öberg & Co, 10 % rabatt!')).toBe('Åsa Öberg & Co, 10 % rabatt!');
    expect(cleanText('"Bästa" köpet – ever 😀')).toBe('’Bästa’ köpet – ever ');
    expect(cleanText("O'Brien <info>")).toBe('O’Brien (info)');
    expect(cleanText('Crème brûlée, señor, Straße')).toBe('Creme brulée, senor, Strasse'); // é is accepted
    expect(cleanText('a\tb\u0007c')).toBe('a bc');
  });

  it('is idempotent and always yields accepted text', () => {
    const samples = ['"x" 😀 <y>', 'Ærø ñ ß ł', '  double  spaces ', '漢字 and text', '{[|]}~\\'];
    for (const sample of samples) {
      const once = cleanText(sample);
      expect(ALLOWED_TEXT.test(once), sample).toBe(true);
      expect(cleanText(once)).toBe(once);
    }
  });

  it('truncates by characters, never inside a surrogate pair', () => {
    expect(truncateText('abc😀def', 4)).toBe('abc😀');
    expect(truncateText('short', 10)).toBe('short');
  });
});

describe('the text policy on request bodies', () => {
  const invoice = (fields: Record<string, unknown>): { Invoice: Record<string, unknown> } => ({
    Invoice: { CustomerNumber: '1', ...fields },
  });

  it('cleans free text by default and lists what it changed, by path', () => {
    const { body, changes } = applyTextPolicy(
      invoice({
        Remarks: 'Tack 😀',
        InvoiceRows: [{ Description: 'ok' }, { Description: 'y'.repeat(300), Price: '10' }],
      }),
      'fortnox_InvoicePayload_Wrap',
    );
    expect(body.Invoice.Remarks).toBe('Tack ');
    expect((body.Invoice.InvoiceRows as { Description: string }[])[1]?.Description).toHaveLength(255);
    expect(changes).toEqual([
      { path: 'Invoice.Remarks', kind: 'characters' },
      { path: 'Invoice.InvoiceRows[1].Description', kind: 'length', max: 255 },
    ]);
  });

  it('fails an identifier by default, naming the field, its path and the limit', () => {
    let error: unknown;
    try {
      applyTextPolicy(invoice({ ExternalInvoiceReference1: 'x'.repeat(81) }), 'fortnox_InvoicePayload_Wrap');
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({
      field: 'Invoice.ExternalInvoiceReference1',
      details: { path: 'Invoice.ExternalInvoiceReference1', maxLength: 80, length: 81 },
    });
    expect((error as Error).message).toContain("longer than Fortnox's limit of 80 characters");
  });

  it('follows per-field settings, by path or by bare field name', () => {
    const body = invoice({ Remarks: 'a "b"', YourOrderNumber: '#1001 "web"' });
    expect(() =>
      applyTextPolicy(body, 'fortnox_InvoicePayload_Wrap', { fields: { 'Invoice.Remarks': 'fail' } }),
    ).toThrow(/Invoice.Remarks contains characters Fortnox does not accept/);
    const cleaned = applyTextPolicy(body, 'fortnox_InvoicePayload_Wrap', {
      fields: { YourOrderNumber: 'clean' },
    });
    expect(cleaned.body.Invoice).toMatchObject({ Remarks: 'a ’b’', YourOrderNumber: '#1001 ’web’' });
    expect(() => applyTextPolicy(body, 'fortnox_InvoicePayload_Wrap', { default: 'fail' })).toThrow(
      ValidationError,
    );
  });

  it('leaves numbers, enum codes and API_BLANK to Fortnox', () => {
    const body = invoice({
      Freight: '49.00',
      InvoiceType: 'INVOICE',
      InvoiceRows: [{ ArticleNumber: 'API_BLANK', Price: 'API_BLANK', Description: 'Frakt' }],
    });
    const { body: out, changes } = applyTextPolicy(body, 'fortnox_InvoicePayload_Wrap');
    expect(out).toEqual(body);
    expect(changes).toEqual([]);
  });
});
