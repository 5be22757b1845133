export type { DeliveryDedupe } from '../../../core/plugin-api/index.ts';
export {
  MemoryDeliveryDedupe,
  memoryDedupe,
  receiveWebhook,
  verifyDelivery,
  type HeaderBag,
  type WebhookOutcome,
  type WebhookRequest,
} from './receiver.ts';
export { registerWebhooks, type RegisterWebhooksInput, type RegisteredWebhook } from './register.ts';
export { verifySignature } from './verify.ts';
