import { Decimal } from 'decimal.js';
import type { FortnoxRecord, TenantData } from './state.ts';

/** Fortnox Lager's state per sandbox tenant, beside its registers (routes: warehouse.ts). */
export interface StockPointRecord {
  readonly id: string;
  readonly code: string;
  readonly name: string;
  readonly active: boolean;
  readonly usingCompanyAddress: boolean;
}

export interface Balance {
  inStock: Decimal;
  reserved: Decimal;
}

export interface CustomOutbound {
  document: FortnoxRecord;
  released: boolean;
}

export interface WarehouseData {
  /** Fortnox Lager switched on (by a sysadmin in Fortnox's UI; never through the API). */
  activated: boolean;
  /** Company setting: deliveries may take stock below zero. Default false. */
  allowNegativeStock: boolean;
  readonly stockPoints: Map<string, StockPointRecord>;
  /** itemId → stock point code → balance. */
  readonly balances: Map<string, Map<string, Balance>>;
  /** `TYPE/id` → document. */
  readonly customOutbound: Map<string, CustomOutbound>;
  /** The net stock effect of every document as last applied, by `itemId|code` (warehouse-stock.ts). */
  applied: Map<string, Balance>;
  nextRowId: number;
}

/** `seed.warehouse`: Lager's state for the seeded tenant. */
export interface WarehouseSeed {
  readonly activated?: boolean;
  readonly allowNegativeStock?: boolean;
  readonly stockPoints?: readonly {
    readonly code: string;
    readonly name: string;
    readonly id?: string;
    readonly active?: boolean;
  }[];
  /** Opening balances; `reserved` defaults to 0. Numbers or decimal strings. */
  readonly balances?: readonly {
    readonly itemId: string;
    readonly stockPointCode: string;
    readonly inStock: number | string;
    readonly reserved?: number | string;
  }[];
}

const warehouses = new WeakMap<TenantData, WarehouseData>();

export function warehouseOf(tenant: TenantData): WarehouseData {
  let data = warehouses.get(tenant);
  if (!data) {
    data = {
      activated: false,
      allowNegativeStock: false,
      stockPoints: new Map(),
      balances: new Map(),
      customOutbound: new Map(),
      applied: new Map(),
      nextRowId: 1,
    };
    warehouses.set(tenant, data);
  }
  return data;
}

/** The stock point a row without one uses: the first seeded (Fortnox would ask for one). */
export function defaultStockPoint(data: WarehouseData): string {
  return [...data.stockPoints.keys()][0] ?? '';
}

export function balanceOf(data: WarehouseData, itemId: string, code: string): Balance {
  let perPoint = data.balances.get(itemId);
  if (!perPoint) {
    perPoint = new Map();
    data.balances.set(itemId, perPoint);
  }
  let balance = perPoint.get(code);
  if (!balance) {
    balance = { inStock: new Decimal(0), reserved: new Decimal(0) };
    perPoint.set(code, balance);
  }
  return balance;
}
