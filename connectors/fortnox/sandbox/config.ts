/**
 * Everything the sandbox does that the Fortnox documentation does not pin down is a setting here,
 * so a test can switch to the other reading instead of the sandbox silently guessing. The defaults
 * follow the recordings where there are any and are marked UNCONFIRMED otherwise (see README.md).
 */
export interface ErrorTemplate {
  /** The Fortnox error code (`ErrorInformation.code`). */
  readonly code: number;
  /** The message; `{Field}`, `{Value}` and `{Max}` are filled in. */
  readonly message: string;
  readonly status: number;
}

export interface SandboxErrorTemplates {
  /** Recorded (2001399, "Felaktigt fältnamn" on the errors page); the field name is appended. */
  readonly unknownField: ErrorTemplate;
  /** UNCONFIRMED: no recording or documentation shows Fortnox's answer to a too-long value. */
  readonly tooLong: ErrorTemplate;
  /** UNCONFIRMED: the answer to a missing required field (Customer.Name, Order.CustomerNumber…). */
  readonly required: ErrorTemplate;
  /** Documented: 2000108 "Värdet måste vara numeriskt ({Value})". */
  readonly notNumeric: ErrorTemplate;
  /** Documented: 2000134 "Värdet måste vara en boolean ({Value})". */
  readonly notBoolean: ErrorTemplate;
  /** Documented: 2000106 "Värdet måste vara alfanumeriskt ({Value})". */
  readonly notAlphanumeric: ErrorTemplate;
  /** Documented: 2000359 "Värdet innehåller ej tillåtna tecken. ({Value})". */
  readonly invalidCharacters: ErrorTemplate;
  /** UNCONFIRMED: a value outside an enum of the OpenAPI document. */
  readonly invalidValue: ErrorTemplate;
  /** Documented: 2001392 "Ingen eller felaktig typ av data." (empty body, missing wrapper key). */
  readonly badBody: ErrorTemplate;
  /** Documented: 2002115 "Error deserializing JSON: JSON_ERROR_SYNTAX". */
  readonly badJson: ErrorTemplate;
  /** Recorded: 2000587 "Ett ogiltigt filter har använts." */
  readonly invalidFilter: ErrorTemplate;
  /** Documented for customers (2000637); used for every taken number (UNCONFIRMED for the others). */
  readonly numberTaken: ErrorTemplate;
  /**
   * UNCONFIRMED code: changing a document that no longer may change — createinvoice on an invoiced or
   * cancelled order, cancelling or updating a booked invoice (documented: "Can't cancel invoice after
   * it is booked", softwerkab SDK test), bookkeeping twice, deleting a booked payment.
   */
  readonly documentLocked: ErrorTemplate;
  /**
   * A document refers to a customer that does not exist. 2000204 "Kunde inte hämta/hitta kund
   * (kundnummer)" — "the customer in the request is not available in the customer resource" — from
   * a Fortnox error-code list (enum `ApiErrorCode` of a public Rust client, which restates Fortnox's
   * errors page); HTTP status 400 UNCONFIRMED.
   */
  readonly unknownCustomer: ErrorTemplate;
  /**
   * A row refers to an article that does not exist: 2001302 "Kunde inte hitta artikel" ("could not
   * find article used in request"), same source as `unknownCustomer`; status 400 UNCONFIRMED.
   */
  readonly unknownArticle: ErrorTemplate;
  /**
   * UNCONFIRMED code: a payment or a credit refers to an invoice that does not exist (code of the
   * recorded 404 "Kan inte hitta fakturan.").
   */
  readonly unknownInvoice: ErrorTemplate;
  /**
   * UNCONFIRMED code: crediting an invoice that is not booked. Fortnox's user guide ("Skapa
   * kreditfaktura", support.fortnox.se) says an invoice can only be credited once booked and once.
   * Also used for a payment on an unbooked invoice (see `payments.requireBookedInvoice`).
   */
  readonly notBooked: ErrorTemplate;
  /** UNCONFIRMED code: `PUT /3/invoices/{n}/credit` on an invoice that is credited already or is a credit. */
  readonly alreadyCredited: ErrorTemplate;
  /**
   * UNCONFIRMED code: a payment dated before its invoice ("The payment date cannot precede the
   * invoice date", Junipeer's Fortnox error reference).
   */
  readonly paymentBeforeInvoiceDate: ErrorTemplate;
}

export interface SandboxConfig {
  /** Milliseconds since the epoch; inject a fake clock to test time-dependent behaviour. */
  readonly now: () => number;
  /** Fortnox: 25 requests per 5 000 ms per client and tenant, sliding window. */
  readonly rateLimit: {
    readonly requests: number;
    readonly windowMs: number;
    /** UNCONFIRMED whether refused (429) requests use up budget. Default: they do not. */
    readonly countRejected: boolean;
    /** UNCONFIRMED: no `Retry-After` header was observed; set to send one (seconds). */
    readonly retryAfterHeader: boolean;
    /** UNCONFIRMED: the body of a 429. */
    readonly body: unknown;
  };
  readonly accessTokenTtlSeconds: number;
  readonly refreshTokenTtlMs: number;
  readonly authorizationCodeTtlMs: number;
  /** Fortnox: default 100, maximum 500. */
  readonly pageSize: { readonly default: number; readonly max: number };
  /** UNCONFIRMED: the time zone `lastmodified` is read in (presumably Swedish local time). */
  readonly timeZone: string;
  /** UNCONFIRMED whether `lastmodified` includes records changed exactly at the bound. */
  readonly lastModifiedInclusive: boolean;
  /**
   * CONFLICT: the OpenAPI document says `PUT /3/orders/{n}/createinvoice` answers `{"Invoice": …}`;
   * the C# SDK and a production plugin read `{"Order": …}`.
   */
  readonly createInvoiceResponse: 'Invoice' | 'Order';
  /** UNCONFIRMED: Fortnox may answer unknown query parameters with 2000588; default: ignore them. */
  readonly rejectUnknownQueryParameters: boolean;
  /** Company setting (öresavrundning): round document totals to whole kronor. */
  readonly roundOffToWholeKrona: boolean;
  /**
   * UNCONFIRMED whether a stock movement (an invoice, a delivery) changes the article's
   * `lastmodified`. Default true: stock syncs that read changed articles see it.
   */
  readonly stockMovesTouchArticles: boolean;
  /** The base of `@url` values; the recordings show `https://api.fortnox.se`. Default: the sandbox's own URL. */
  readonly publicUrl?: string;
  readonly payments: {
    /**
     * Whether a payment needs its invoice booked first (invoices of the accrual method only; cash-method
     * invoices are booked by their payment). Default true: Nox Finans (Fortnox's own finance arm)
     * documents that an invoice must be booked in Fortnox before a payment can be registered on it.
     */
    readonly requireBookedInvoice: boolean;
  };
  readonly errors: SandboxErrorTemplates;
  /**
   * The scopes the app was granted (what the token response's `scope` says). Absent: every scope, and
   * no request is refused for its scope. Set: an API request outside them answers 403 / 2000663
   * (`koppla doctor` reads the missing scopes from that).
   */
  readonly grantedScopes?: readonly string[];
}

export type SandboxConfigInput = Partial<
  Omit<SandboxConfig, 'rateLimit' | 'errors' | 'pageSize' | 'payments'>
> & {
  readonly rateLimit?: Partial<SandboxConfig['rateLimit']>;
  readonly payments?: Partial<SandboxConfig['payments']>;
  readonly pageSize?: Partial<SandboxConfig['pageSize']>;
  readonly errors?: Partial<SandboxErrorTemplates>;
};

/**
 * Fortnox's answers to the requests the sandbox refuses. Codes 2999001–2999007 are Koppla's
 * placeholders, not Fortnox codes: no source gives the real ones (searched: Fortnox's errors and
 * responses pages, the recordings, the Rust crate `fortnox`'s ApiErrorCode list, the n8n node's code
 * map, integrators' help pages, GitHub code and issues; see README "Configurable because the sources
 * are not sure"). The 2999 range is unused by Fortnox (its codes are 1000xxx and 2000xxx–2004xxx), so
 * nothing may match them as if they were real; the connector decides by HTTP status and kind, never by
 * these numbers. Replace one when the real-service contract suite prints Fortnox's answer.
 */
export const DEFAULT_ERRORS: SandboxErrorTemplates = {
  unknownField: { code: 2001399, message: 'Felaktigt fältnamn ({Field})', status: 400 },
  tooLong: {
    code: 2999001,
    message: 'Värdet för {Field} är för långt, högst {Max} tecken. ({Value})',
    status: 400,
  },
  required: { code: 2999002, message: 'Fältet {Field} måste fyllas i.', status: 400 },
  notNumeric: { code: 2000108, message: 'Värdet måste vara numeriskt ({Value})', status: 400 },
  notBoolean: { code: 2000134, message: 'Värdet måste vara en boolean ({Value})', status: 400 },
  notAlphanumeric: { code: 2000106, message: 'Värdet måste vara alfanumeriskt ({Value})', status: 400 },
  invalidCharacters: {
    code: 2000359,
    message: 'Värdet innehåller ej tillåtna tecken. ({Value})',
    status: 400,
  },
  invalidValue: { code: 2999003, message: 'Ogiltigt värde för {Field}. ({Value})', status: 400 },
  badBody: { code: 2001392, message: 'Ingen eller felaktig typ av data.', status: 400 },
  badJson: { code: 2002115, message: 'Error deserializing JSON: JSON_ERROR_SYNTAX', status: 400 },
  invalidFilter: { code: 2000587, message: 'Ett ogiltigt filter har använts.', status: 400 },
  numberTaken: { code: 2000637, message: 'Nummer {Value} används redan.', status: 400 },
  documentLocked: { code: 2999004, message: 'Dokumentet {Value} kan inte ändras.', status: 400 },
  unknownCustomer: { code: 2000204, message: 'Kunde inte hämta/hitta kund ({Value})', status: 400 },
  unknownArticle: { code: 2001302, message: 'Kunde inte hitta artikel ({Value})', status: 400 },
  unknownInvoice: { code: 2000434, message: 'Kan inte hitta fakturan.', status: 400 },
  notBooked: { code: 2999005, message: 'Faktura {Value} är inte bokförd.', status: 400 },
  alreadyCredited: { code: 2999006, message: 'Faktura {Value} är redan krediterad.', status: 400 },
  paymentBeforeInvoiceDate: {
    code: 2999007,
    message: 'Betaldatum kan inte vara före fakturadatum ({Value}).',
    status: 400,
  },
};

export function resolveConfig(input: SandboxConfigInput = {}): SandboxConfig {
  return {
    now: input.now ?? Date.now,
    rateLimit: {
      requests: 25,
      windowMs: 5000,
      countRejected: false,
      retryAfterHeader: false,
      body: { message: 'Too Many Requests' },
      ...input.rateLimit,
    },
    accessTokenTtlSeconds: input.accessTokenTtlSeconds ?? 3600,
    refreshTokenTtlMs: input.refreshTokenTtlMs ?? 45 * 24 * 3600 * 1000,
    authorizationCodeTtlMs: input.authorizationCodeTtlMs ?? 10 * 60 * 1000,
    pageSize: { default: 100, max: 500, ...input.pageSize },
    timeZone: input.timeZone ?? 'Europe/Stockholm',
    lastModifiedInclusive: input.lastModifiedInclusive ?? true,
    createInvoiceResponse: input.createInvoiceResponse ?? 'Invoice',
    rejectUnknownQueryParameters: input.rejectUnknownQueryParameters ?? false,
    roundOffToWholeKrona: input.roundOffToWholeKrona ?? false,
    stockMovesTouchArticles: input.stockMovesTouchArticles ?? true,
    ...(input.publicUrl === undefined ? {} : { publicUrl: input.publicUrl }),
    ...(input.grantedScopes === undefined ? {} : { grantedScopes: input.grantedScopes }),
    payments: { requireBookedInvoice: true, ...input.payments },
    errors: { ...DEFAULT_ERRORS, ...input.errors },
  };
}
