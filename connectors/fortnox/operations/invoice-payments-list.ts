import type { ClientDeps } from '../client/index.ts';
import { listOperation } from './lists.ts';

/** Payments registered on customer invoices (scope `payment`); `koppla doctor` reads one to test the scope. */
export function invoicePaymentsList(deps: ClientDeps) {
  return listOperation(deps, {
    description:
      'Lists the payments registered on customer invoices (/3/invoicepayments, all pages), optionally only those changed since an instant or of one invoice.',
    path: '/3/invoicepayments',
    listKey: 'InvoicePayments',
    itemSchema: 'fortnox_InvoicePaymentListItem',
    itemRequired: ['Number'],
    searches: ['invoicenumber'],
    examples: [
      {
        name: 'payments of one invoice',
        input: { invoicenumber: '20' },
        output: {
          InvoicePayments: [{ Number: '5', InvoiceNumber: 20, Amount: '125', PaymentDate: '2025-03-02' }],
        },
      },
    ],
  });
}
