export {
  memoryDedupe,
  receiveWebhook,
  type DeliveryDedupe,
  type HeaderBag,
  type WebhookOutcome,
  type WebhookRequest,
} from './receiver.ts';
export { registerWebhooks, type RegisterWebhooksInput, type RegisteredWebhook } from './register.ts';
export { verifySignature } from './verify.ts';
