import { defineOperation, isConnectorError } from '../../../core/plugin-api/index.ts';
import { wooRequest } from '../client/index.ts';
import type { WooSettings } from '../settings.ts';

export const ORDER_STATUSES = [
  'pending',
  'processing',
  'on-hold',
  'completed',
  'cancelled',
  'refunded',
  'failed',
] as const;

export interface SetStatusInput {
  readonly orderId: string;
  readonly status: (typeof ORDER_STATUSES)[number];
  /** Added as an order note, only when the status actually changes. */
  readonly note?: string;
  /** True: the note is e-mailed to the customer. */
  readonly customerNote?: boolean;
}

export interface SetStatusOutput {
  readonly orderId: string;
  readonly status: string;
  readonly previousStatus: string;
  /** False when the order already had the status and nothing was written. */
  readonly changed: boolean;
}

/**
 * Sets an order's status. Reads first and writes nothing when the order already has it (a repeat
 * would fire another `order.updated` webhook and e-mail), or when it is refunded, which is final. Sends **only** `status`: any of billing,
 * shipping or line arrays in the body makes WooCommerce recalculate the order's taxes.
 */
export const setStatus = defineOperation<SetStatusInput, SetStatusOutput, WooSettings>({
  description:
    'Sets the status of an order (e.g. completed when the invoice is booked), with an optional order note. Writes nothing if the order already has that status, or is refunded (final: its money went back).',
  inputSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['orderId', 'status'],
    properties: {
      orderId: { type: 'string', pattern: '^[1-9][0-9]*$' },
      status: { enum: [...ORDER_STATUSES] },
      note: { type: 'string', minLength: 1 },
      customerNote: { type: 'boolean' },
    },
  },
  outputSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['orderId', 'status', 'previousStatus', 'changed'],
    properties: {
      orderId: { type: 'string' },
      status: { type: 'string' },
      previousStatus: { type: 'string' },
      changed: { type: 'boolean' },
    },
  },
  examples: [
    {
      name: 'complete-after-invoice',
      description: 'Order 60 was processing; the invoice is booked in Fortnox.',
      input: { orderId: '60', status: 'completed', note: 'Fakturerad i Fortnox, faktura 1001.' },
      output: { orderId: '60', status: 'completed', previousStatus: 'processing', changed: true },
    },
    {
      name: 'already-completed',
      input: { orderId: '60', status: 'completed' },
      output: { orderId: '60', status: 'completed', previousStatus: 'completed', changed: false },
    },
  ],
  idempotent: true,
  async run(ctx, input) {
    const path = `/orders/${input.orderId}`;
    const current = await wooRequest<{ id: number; status: string }>(ctx, {
      path,
      query: { _fields: 'id,status' },
    });
    const previousStatus = current.body.status;
    // A refunded order's money has gone back to the customer: whatever Fortnox says later (an order
    // cancelled because it was refunded, an invoice paid before the refund) must not make the shop
    // show it as completed or cancelled again.
    if (previousStatus === input.status || (previousStatus === 'refunded' && input.status !== 'refunded')) {
      return { orderId: input.orderId, status: previousStatus, previousStatus, changed: false };
    }
    const updated = await wooRequest<{ status: string }>(ctx, {
      method: 'PUT',
      path,
      query: { _fields: 'id,status' },
      body: { status: input.status },
    });
    if (input.note) {
      // The status is set; the note only tells the shop owner why. A note that fails for a temporary
      // reason is not posted again (its POST may have been performed: a second would be a twin), and it
      // does not fail the status change: a retry would find the status set and write no note anyway.
      try {
        await wooRequest(ctx, {
          method: 'POST',
          path: `${path}/notes`,
          body: { note: input.note, customer_note: input.customerNote ?? false },
        });
      } catch (error) {
        if (!isConnectorError(error) || !error.retryable) throw error;
        ctx.logger.warn('order note not added: the status is set', {
          orderId: input.orderId,
          status: input.status,
          error: error.message,
        });
      }
    }
    return { orderId: input.orderId, status: updated.body.status, previousStatus, changed: true };
  },
});
