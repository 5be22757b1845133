import { seedLookupDefaults } from './lookups.ts';
import type { WarehouseSeed } from './warehouse-state.ts';

/** The sandbox's whole state, in memory: OAuth clients and tokens, and per tenant its registers. */
export type FortnoxRecord = Record<string, unknown>;

export const RESOURCE_NAMES = [
  'customers',
  'articles',
  'orders',
  'invoices',
  'invoicepayments',
  // Registers documents refer to (lookups), seeded with Swedish defaults (lookups.ts).
  'currencies',
  'modesofpayments',
  'termsofpayments',
  'wayofdeliveries',
  'termsofdeliveries',
  'predefinedaccounts',
  'accounts',
] as const;
export type ResourceName = (typeof RESOURCE_NAMES)[number];

export interface StoredRecord {
  data: FortnoxRecord;
  /** When it was last changed (ms since the epoch), for `lastmodified`. */
  modifiedAt: number;
}

export interface TenantData {
  readonly records: Record<ResourceName, Map<string, StoredRecord>>;
  /** The next number per series, for records created without one. */
  readonly next: Record<ResourceName, number>;
  nextRowId: number;
  /** The next voucher number per series (`B` invoices, `C` payments), set by bookkeep actions. */
  readonly nextVoucher: Record<string, number>;
  /** `GET /3/settings/company`. */
  companySettings: FortnoxRecord;
}

export interface RequestLogEntry {
  tenantId: string | null;
  /** Arrival time by the sandbox clock (ms). */
  at: number;
  readonly method: string;
  readonly url: string;
  status?: number;
  /** The fault that answered it, if one did. */
  fault?: string;
}

export interface TokenGrant {
  readonly tenantId: string;
  readonly clientId: string;
  readonly expiresAt: number;
  used: boolean;
}

export type Fault =
  | {
      readonly type: 'status';
      readonly status: number;
      readonly body?: unknown;
      remaining: number;
      readonly path?: string;
    }
  | { readonly type: 'delay'; readonly ms: number; remaining: number; readonly path?: string }
  | { readonly type: 'drop'; remaining: number; readonly path?: string };

/** What `/__admin/seed` and `sandbox.start({ seed })` take. Everything is optional. */
export interface SandboxSeed {
  /** The tenant the registers below go to; default `"1"`. */
  readonly tenantId?: string;
  readonly clients?: readonly { readonly clientId: string; readonly clientSecret: string }[];
  /** Refresh tokens that are valid from the start (what a user's consent would have produced). */
  readonly refreshTokens?: readonly {
    readonly token: string;
    readonly clientId: string;
    readonly tenantId?: string;
  }[];
  /** Authorization codes, as the browser redirect would have delivered them. */
  readonly authorizationCodes?: readonly {
    readonly code: string;
    readonly clientId: string;
    readonly tenantId?: string;
  }[];
  /** Tenants that consented to a service account (client-credentials flow), per client id. */
  readonly serviceAccounts?: readonly { readonly clientId: string; readonly tenantId: string }[];
  readonly customers?: readonly FortnoxRecord[];
  readonly articles?: readonly FortnoxRecord[];
  readonly orders?: readonly FortnoxRecord[];
  readonly invoices?: readonly FortnoxRecord[];
  readonly invoicepayments?: readonly FortnoxRecord[];
  /** Lookup registers: each seeded record replaces the default with the same key. */
  readonly currencies?: readonly FortnoxRecord[];
  readonly modesofpayments?: readonly FortnoxRecord[];
  readonly termsofpayments?: readonly FortnoxRecord[];
  readonly wayofdeliveries?: readonly FortnoxRecord[];
  readonly termsofdeliveries?: readonly FortnoxRecord[];
  readonly predefinedaccounts?: readonly FortnoxRecord[];
  readonly accounts?: readonly FortnoxRecord[];
  /** Merged into the default company settings. */
  readonly companySettings?: FortnoxRecord;
  /** Price lists (`Code`, `Description`) besides the default list `A` (prices.ts). */
  readonly priceLists?: readonly FortnoxRecord[];
  /** Prices (`ArticleNumber`, `PriceList`, `FromQuantity`, `Price`); seeded articles' `SalesPrice` is list A's base price. */
  readonly prices?: readonly FortnoxRecord[];
  /** Fortnox Lager: activation, negative stock allowed, stock points, balances (warehouse-state.ts). */
  readonly warehouse?: WarehouseSeed;
}

export const DEFAULT_TENANT = '1';
export const DEFAULT_CLIENT = { clientId: 'sandbox-client', clientSecret: 'sandbox-secret' };
export const DEFAULT_REFRESH_TOKEN = 'sandbox-refresh-token';
export const DEFAULT_AUTHORIZATION_CODE = 'sandbox-authorization-code';

export class SandboxState {
  readonly clients = new Map<string, string>();
  readonly authorizationCodes = new Map<string, TokenGrant>();
  readonly refreshTokens = new Map<string, TokenGrant>();
  readonly accessTokens = new Map<string, TokenGrant>();
  readonly serviceAccounts = new Set<string>();
  readonly tenants = new Map<string, TenantData>();
  readonly requests: RequestLogEntry[] = [];
  readonly faults: Fault[] = [];
  /**
   * Refresh requests that presented a refresh token already spent: each one is a token spent twice
   * (in Fortnox, a second refresh with the same token fails and the integration loses its consent).
   */
  refreshTokenReuse = 0;
  /** Refresh tokens spent (exchanged for a new pair). */
  refreshes = 0;

  tenant(tenantId: string): TenantData {
    let data = this.tenants.get(tenantId);
    if (!data) {
      data = {
        records: Object.fromEntries(RESOURCE_NAMES.map((name) => [name, new Map()])) as TenantData['records'],
        next: Object.fromEntries(RESOURCE_NAMES.map((name) => [name, 1])) as TenantData['next'],
        nextRowId: 1,
        nextVoucher: {},
        companySettings: {},
      };
      seedLookupDefaults(data, tenantId);
      this.tenants.set(tenantId, data);
    }
    return data;
  }

  reset(): void {
    this.clients.clear();
    this.authorizationCodes.clear();
    this.refreshTokens.clear();
    this.accessTokens.clear();
    this.serviceAccounts.clear();
    this.tenants.clear();
    this.requests.length = 0;
    this.faults.length = 0;
    this.refreshTokenReuse = 0;
    this.refreshes = 0;
  }

  /** Arrival times of the requests a tenant made that were let through (not refused with 429). */
  acceptedTimes(tenantId: string): number[] {
    return this.requests
      .filter((entry) => entry.tenantId === tenantId && entry.status !== 429 && entry.fault === undefined)
      .map((entry) => entry.at);
  }

  snapshot(): Record<string, unknown> {
    const tenants: Record<string, unknown> = {};
    for (const [id, data] of this.tenants) {
      tenants[id] = {
        ...Object.fromEntries(
          RESOURCE_NAMES.map((name) => [name, [...data.records[name].values()].map((stored) => stored.data)]),
        ),
        companySettings: data.companySettings,
      };
    }
    return {
      tenants,
      requests: this.requests,
      faults: this.faults,
      tokens: {
        refresh: [...this.refreshTokens.values()].map(({ tenantId, clientId, used, expiresAt }) => ({
          tenantId,
          clientId,
          used,
          expiresAt,
        })),
        access: this.accessTokens.size,
        refreshes: this.refreshes,
        refreshTokenReuse: this.refreshTokenReuse,
      },
    };
  }
}
