export {
  customOutboundSaveOperation,
  stockBalancesListOperation,
  stockPointsListOperation,
  warehouseStatusOperation,
  type CustomOutboundDocument,
  type CustomOutboundInput,
  type CustomOutboundRow,
  type StockBalancesInput,
  type StockPointsInput,
} from './operations.ts';
export {
  WAREHOUSE,
  customOutboundPath,
  listStockBalances,
  listStockPoints,
  warehouseStatus,
  type StockBalance,
  type StockPoint,
  type WarehouseStatus,
} from './api.ts';
export { stockStreamOptions, stockStreamOptionsSchema, type StockStreamOptions } from './stock-options.ts';
