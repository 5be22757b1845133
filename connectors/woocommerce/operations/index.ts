export {
  BATCH_LIMIT,
  batchUpdate,
  productChanges,
  type BatchUpdateInput,
  type BatchUpdateOutput,
  type ProductUpdate,
} from './batch-update.ts';
export { listBySku, type ListBySkuInput, type ListBySkuOutput } from './list-by-sku.ts';
export { ORDER_STATUSES, setStatus, type SetStatusInput, type SetStatusOutput } from './set-status.ts';
export { listRefunds, type ListRefundsInput, type ListRefundsOutput } from './list-refunds.ts';
