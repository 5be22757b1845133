/**
 * A realistic Swedish web shop for the demo, the end-to-end tests and the benchmarks, generated
 * deterministically from a seed: a catalogue of simple and variable products in several tax classes,
 * and orders as WooCommerce 10 computes them (prices incl. VAT, tax rounded per line, coupons on the
 * net amount, shipping taxed at the cart's rate, EU B2B without VAT, OSS consumers at their country's
 * rate, exports without VAT), so that every generated order adds up to the öre like a real one.
 * It also gives the Fortnox side of the same company: one article per SKU.
 */
import { Decimal } from 'decimal.js';

type Json = Record<string, unknown>;

export interface ShopOptions {
  /** Number of orders (default 120). */
  readonly orders?: number;
  /** PRNG seed; the same seed gives the same shop. */
  readonly seed?: number;
  /** The newest order is created one hour before this instant; the others spread over 30 days. */
  readonly now?: Date;
  /** First WooCommerce id (products, variations, orders and their lines share one sequence). */
  readonly firstId?: number;
}

export type OrderKind = 'se-consumer' | 'se-company' | 'eu-b2b' | 'eu-consumer' | 'export';

export interface GeneratedOrder {
  readonly id: number;
  readonly kind: OrderKind;
  readonly status: string;
  readonly total: string;
  readonly country: string;
  readonly coupon: boolean;
}

export interface FortnoxArticleSeed {
  readonly ArticleNumber: string;
  readonly Description: string;
  readonly SalesPrice: number;
  readonly VAT: number;
  readonly Weight: number;
  readonly QuantityInStock: number;
  readonly StockGoods: boolean;
}

export interface GeneratedShop {
  /** `WooSeed` for the WooCommerce sandbox (WooCommerce's own JSON). */
  readonly woo: {
    readonly products: Json[];
    readonly variations: Json[];
    readonly orders: Json[];
    readonly refunds: { orderId: number; refund: Json }[];
    readonly taxes: Json[];
    readonly taxClasses: Json[];
  };
  readonly fortnox: { readonly articles: FortnoxArticleSeed[] };
  readonly orders: GeneratedOrder[];
  /** Every SKU a shop order can contain (simple products and variations). */
  readonly skus: string[];
}

/** Swedish rates per tax class in the period the demo runs in (food 6 % from 2026-04-01). */
const SE_RATES: Record<string, number> = { standard: 25, food: 6, 'reduced-6': 6 };
/** Destination standard rates for OSS consumers (only standard-class goods are sold to them). */
const EU_STANDARD: Record<string, number> = { DE: 19, FI: 25.5, DK: 25, NL: 21, FR: 20 };

interface CatalogueEntry {
  readonly sku: string;
  readonly name: string;
  readonly taxClass: 'standard' | 'food' | 'reduced-6';
  readonly price: string; // incl. Swedish VAT, as the shop enters it
  readonly weightKg: string;
  readonly variants?: readonly string[];
}

const CATALOGUE: readonly CatalogueEntry[] = [
  {
    sku: 'TEE-BAS',
    name: 'T-shirt Bas',
    taxClass: 'standard',
    price: '199.00',
    weightKg: '0.2',
    variants: ['S', 'M', 'L', 'XL'],
  },
  {
    sku: 'TEE-LOGO',
    name: 'T-shirt Logo',
    taxClass: 'standard',
    price: '249.00',
    weightKg: '0.2',
    variants: ['S', 'M', 'L'],
  },
  {
    sku: 'HOOD',
    name: 'Huvtröja',
    taxClass: 'standard',
    price: '599.00',
    weightKg: '0.6',
    variants: ['S', 'M', 'L', 'XL'],
  },
  {
    sku: 'CAP',
    name: 'Keps',
    taxClass: 'standard',
    price: '149.00',
    weightKg: '0.1',
    variants: ['S/M', 'L/XL'],
  },
  {
    sku: 'SOCK',
    name: 'Strumpor 3-pack',
    taxClass: 'standard',
    price: '99.90',
    weightKg: '0.15',
    variants: ['36-40', '41-45'],
  },
  {
    sku: 'JACKET',
    name: 'Regnjacka',
    taxClass: 'standard',
    price: '1299.00',
    weightKg: '0.9',
    variants: ['S', 'M', 'L'],
  },
  {
    sku: 'BEANIE',
    name: 'Mössa',
    taxClass: 'standard',
    price: '179.00',
    weightKg: '0.1',
    variants: ['Grå', 'Svart', 'Röd'],
  },
  {
    sku: 'GLOVE',
    name: 'Vantar',
    taxClass: 'standard',
    price: '229.00',
    weightKg: '0.12',
    variants: ['S', 'M', 'L'],
  },
  { sku: 'MUG-01', name: 'Mugg Fjäll', taxClass: 'standard', price: '129.00', weightKg: '0.35' },
  { sku: 'MUG-02', name: 'Mugg Hav', taxClass: 'standard', price: '129.00', weightKg: '0.35' },
  { sku: 'CANDLE-S', name: 'Ljus liten', taxClass: 'standard', price: '9.99', weightKg: '0.05' },
  { sku: 'CANDLE-L', name: 'Ljus stor', taxClass: 'standard', price: '49.00', weightKg: '0.3' },
  { sku: 'LAMP-01', name: 'Bordslampa', taxClass: 'standard', price: '799.00', weightKg: '1.8' },
  { sku: 'LAMP-02', name: 'Golvlampa', taxClass: 'standard', price: '1899.00', weightKg: '4.5' },
  { sku: 'THROW', name: 'Pläd ull', taxClass: 'standard', price: '899.00', weightKg: '1.1' },
  { sku: 'PILLOW', name: 'Kuddfodral', taxClass: 'standard', price: '199.00', weightKg: '0.2' },
  { sku: 'BOARD', name: 'Skärbräda ek', taxClass: 'standard', price: '349.00', weightKg: '0.8' },
  { sku: 'KNIFE', name: 'Kockkniv', taxClass: 'standard', price: '1195.00', weightKg: '0.25' },
  { sku: 'BOTTLE', name: 'Vattenflaska', taxClass: 'standard', price: '279.00', weightKg: '0.3' },
  { sku: 'TOTE', name: 'Tygkasse', taxClass: 'standard', price: '89.00', weightKg: '0.1' },
  { sku: 'POSTER-A', name: 'Poster Norrsken', taxClass: 'standard', price: '299.00', weightKg: '0.2' },
  { sku: 'POSTER-B', name: 'Poster Skärgård', taxClass: 'standard', price: '299.00', weightKg: '0.2' },
  { sku: 'VASE', name: 'Vas glas', taxClass: 'standard', price: '449.00', weightKg: '0.9' },
  { sku: 'TRAY', name: 'Bricka', taxClass: 'standard', price: '399.00', weightKg: '0.7' },
  { sku: 'TOWEL', name: 'Handduk', taxClass: 'standard', price: '159.00', weightKg: '0.4' },
  { sku: 'SOAP', name: 'Tvål', taxClass: 'standard', price: '59.00', weightKg: '0.12' },
  { sku: 'BRUSH', name: 'Diskborste', taxClass: 'standard', price: '39.90', weightKg: '0.05' },
  { sku: 'APRON', name: 'Förkläde', taxClass: 'standard', price: '329.00', weightKg: '0.3' },
  { sku: 'GIFTBOX', name: 'Presentask', taxClass: 'standard', price: '29.00', weightKg: '0.1' },
  { sku: 'UMBRELLA', name: 'Paraply', taxClass: 'standard', price: '399.00', weightKg: '0.5' },
  { sku: 'COFFEE-1', name: 'Kaffe mellanrost 500 g', taxClass: 'food', price: '119.00', weightKg: '0.5' },
  { sku: 'COFFEE-2', name: 'Kaffe mörkrost 500 g', taxClass: 'food', price: '129.00', weightKg: '0.5' },
  { sku: 'TEA-1', name: 'Te Earl Grey', taxClass: 'food', price: '69.00', weightKg: '0.1' },
  { sku: 'TEA-2', name: 'Te Rooibos', taxClass: 'food', price: '65.00', weightKg: '0.1' },
  { sku: 'CHOC-1', name: 'Choklad mörk', taxClass: 'food', price: '39.90', weightKg: '0.1' },
  { sku: 'CHOC-2', name: 'Choklad havssalt', taxClass: 'food', price: '42.00', weightKg: '0.1' },
  { sku: 'HONEY', name: 'Honung 350 g', taxClass: 'food', price: '89.00', weightKg: '0.45' },
  { sku: 'JAM', name: 'Lingonsylt', taxClass: 'food', price: '54.00', weightKg: '0.4' },
  { sku: 'CRISP', name: 'Knäckebröd', taxClass: 'food', price: '34.50', weightKg: '0.3' },
  { sku: 'CANDY', name: 'Polkagrisar', taxClass: 'food', price: '9.99', weightKg: '0.05' },
  { sku: 'BOOK-01', name: 'Bok: Svensk design', taxClass: 'reduced-6', price: '349.00', weightKg: '0.9' },
  { sku: 'BOOK-02', name: 'Bok: Fika', taxClass: 'reduced-6', price: '249.00', weightKg: '0.6' },
  { sku: 'BOOK-03', name: 'Bok: Skärgården', taxClass: 'reduced-6', price: '299.00', weightKg: '0.7' },
  { sku: 'BOOK-04', name: 'Bok: Fjällvandring', taxClass: 'reduced-6', price: '279.00', weightKg: '0.5' },
  { sku: 'MAG-01', name: 'Tidskrift Form', taxClass: 'reduced-6', price: '89.00', weightKg: '0.2' },
  { sku: 'MAP-01', name: 'Karta Kebnekaise', taxClass: 'reduced-6', price: '129.00', weightKg: '0.1' },
  { sku: 'CAL-27', name: 'Kalender 2027', taxClass: 'reduced-6', price: '199.00', weightKg: '0.4' },
  { sku: 'CARD-01', name: 'Vykort 5-pack', taxClass: 'standard', price: '45.00', weightKg: '0.05' },
  { sku: 'PEN', name: 'Penna', taxClass: 'standard', price: '19.90', weightKg: '0.02' },
  { sku: 'NOTE', name: 'Anteckningsbok', taxClass: 'standard', price: '129.00', weightKg: '0.3' },
  { sku: 'BAG', name: 'Ryggsäck', taxClass: 'standard', price: '999.00', weightKg: '1.2' },
  { sku: 'KEYRING', name: 'Nyckelring', taxClass: 'standard', price: '49.00', weightKg: '0.03' },
];

const FIRST_NAMES = [
  'Anna',
  'Erik',
  'Maria',
  'Lars',
  'Karin',
  'Johan',
  'Sara',
  'Anders',
  'Emma',
  'Per',
  'Elin',
  'Nils',
];
const LAST_NAMES = [
  'Andersson',
  'Johansson',
  'Karlsson',
  'Nilsson',
  'Eriksson',
  'Larsson',
  'Olsson',
  'Persson',
  'Svensson',
  'Lindberg',
];
const SE_CITIES: readonly [string, string][] = [
  ['Stockholm', '11422'],
  ['Göteborg', '41101'],
  ['Malmö', '21119'],
  ['Uppsala', '75310'],
  ['Umeå', '90325'],
  ['Kiruna', '98131'],
];
const EU_PLACES: Record<string, readonly [string, string, string]> = {
  DE: ['Berlin', '10115', 'Hauptstraße 5'],
  FI: ['Helsinki', '00100', 'Mannerheimintie 10'],
  DK: ['København', '1050', 'Strøget 3'],
  NL: ['Amsterdam', '1012 AB', 'Damrak 12'],
  FR: ['Paris', '75001', 'Rue de Rivoli 20'],
};
/** VAT numbers whose format is valid for their country (reverse charge needs that). */
const EU_VAT_NUMBERS: Record<string, string> = {
  DE: 'DE123456789',
  FI: 'FI01120389',
  DK: 'DK12345678',
  NL: 'NL123456789B01',
  FR: 'FR12345678901',
};
const EXPORT_PLACES: readonly (readonly [string, string, string, string])[] = [
  ['NO', 'Oslo', '0150', 'Karl Johans gate 1'],
  ['US', 'Seattle', '98101', '1st Ave 100'],
  ['GB', 'London', 'SW1A 1AA', 'Downing Street 10'],
  ['CH', 'Zürich', '8001', 'Bahnhofstrasse 1'],
  ['FI', 'Mariehamn', '22100', 'Torggatan 5'], // Åland: outside the EU VAT area
];
const PAYMENTS: readonly [string, string][] = [
  ['stripe', 'Kort'],
  ['klarna_payments', 'Klarna'],
  ['swish', 'Swish'],
  ['bacs', 'Banköverföring'],
  // a Fortnox order only: the warehouse delivers and invoices it in Fortnox, the shop then completes it
  ['cod', 'Postförskott'],
];

/** mulberry32: small, fast, deterministic. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const money = (value: Decimal.Value): string => new Decimal(value).toFixed(2);
const round2 = (value: Decimal): Decimal => value.toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
const isoLocal = (date: Date): string => new Date(date.getTime() + 3_600_000).toISOString().slice(0, 19);
const isoGmt = (date: Date): string => date.toISOString().slice(0, 19);

interface Sellable {
  readonly sku: string;
  readonly name: string;
  readonly parentName: string | null;
  readonly productId: number;
  readonly variationId: number;
  readonly taxClass: CatalogueEntry['taxClass'];
  readonly price: string;
}

interface Place {
  readonly country: string;
  readonly city: string;
  readonly postcode: string;
  readonly street: string;
}

export function generateShop(options: ShopOptions = {}): GeneratedShop {
  const random = prng(options.seed ?? 20261129);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  let nextId = options.firstId ?? 1000;
  const id = (): number => nextId++;
  const now = options.now ?? new Date('2026-11-29T08:00:00Z');
  const created = new Date(now.getTime() - 31 * 86_400_000);

  const products: Json[] = [];
  const variations: Json[] = [];
  const sellables: Sellable[] = [];
  const articles: FortnoxArticleSeed[] = [];
  const productBase = (entry: CatalogueEntry): Json => ({
    status: 'publish',
    tax_status: 'taxable',
    tax_class: entry.taxClass === 'standard' ? '' : entry.taxClass,
    weight: entry.weightKg,
    date_created: isoLocal(created),
    date_created_gmt: isoGmt(created),
    date_modified: isoLocal(created),
    date_modified_gmt: isoGmt(created),
    meta_data: [],
  });
  for (const entry of CATALOGUE) {
    const productId = id();
    const stock = 20 + Math.floor(random() * 80);
    if (!entry.variants) {
      products.push({
        id: productId,
        name: entry.name,
        slug: entry.sku.toLowerCase(),
        type: 'simple',
        sku: entry.sku,
        price: entry.price,
        regular_price: entry.price,
        sale_price: '',
        manage_stock: true,
        stock_quantity: stock,
        stock_status: 'instock',
        variations: [],
        attributes: [],
        ...productBase(entry),
      });
      sellables.push({
        sku: entry.sku,
        name: entry.name,
        parentName: null,
        productId,
        variationId: 0,
        taxClass: entry.taxClass,
        price: entry.price,
      });
      articles.push(article(entry.sku, entry.name, entry, stock));
      continue;
    }
    const variationIds: number[] = [];
    const parent: Json = {
      id: productId,
      name: entry.name,
      slug: entry.sku.toLowerCase(),
      type: 'variable',
      sku: entry.sku,
      price: entry.price,
      regular_price: '',
      sale_price: '',
      manage_stock: false,
      stock_quantity: null,
      stock_status: 'instock',
      variations: variationIds,
      attributes: [{ id: 0, name: 'Variant', options: [...entry.variants], variation: true, visible: true }],
      ...productBase(entry),
    };
    products.push(parent);
    for (const option of entry.variants) {
      const variationId = id();
      variationIds.push(variationId);
      const sku = `${entry.sku}-${option.replace(/[^A-Za-z0-9]+/g, '').toUpperCase()}`;
      const variantStock = 5 + Math.floor(random() * 30);
      variations.push({
        id: variationId,
        parent_id: productId,
        type: 'variation',
        name: option,
        sku,
        price: entry.price,
        regular_price: entry.price,
        sale_price: '',
        manage_stock: true,
        stock_quantity: variantStock,
        stock_status: 'instock',
        attributes: [{ id: 0, name: 'Variant', option }],
        ...productBase(entry),
      });
      const name = `${entry.name} - ${option}`;
      sellables.push({
        sku,
        name,
        parentName: entry.name,
        productId,
        variationId,
        taxClass: entry.taxClass,
        price: entry.price,
      });
      articles.push(article(sku, name, entry, variantStock));
    }
  }

  const taxRateIds = new Map<string, number>();
  const taxes: Json[] = [];
  const taxRate = (country: string, taxClass: string, rate: number): number => {
    const key = `${country}:${taxClass}`;
    let rateId = taxRateIds.get(key);
    if (rateId === undefined) {
      rateId = taxes.length + 1;
      taxRateIds.set(key, rateId);
      taxes.push({
        id: rateId,
        country,
        state: '',
        postcode: '',
        city: '',
        rate: rate.toFixed(4),
        name: `${country === 'SE' ? 'Moms' : 'VAT'} ${rate}%`,
        priority: 1,
        compound: false,
        shipping: true,
        order: 0,
        class: taxClass,
      });
    }
    return rateId;
  };
  for (const [taxClass, rate] of Object.entries(SE_RATES)) taxRate('SE', taxClass, rate);
  for (const [country, rate] of Object.entries(EU_STANDARD)) taxRate(country, 'standard', rate);

  const total = options.orders ?? 120;
  const orders: Json[] = [];
  const generated: GeneratedOrder[] = [];
  const refunds: { orderId: number; refund: Json }[] = [];
  for (let n = 0; n < total; n++) {
    const roll = random();
    const kind: OrderKind =
      roll < 0.55
        ? 'se-consumer'
        : roll < 0.65
          ? 'se-company'
          : roll < 0.75
            ? 'eu-b2b'
            : roll < 0.88
              ? 'eu-consumer'
              : 'export';
    const statusRoll = random();
    const status =
      statusRoll < 0.6
        ? 'processing'
        : statusRoll < 0.85
          ? 'completed'
          : statusRoll < 0.9
            ? 'on-hold'
            : statusRoll < 0.95
              ? 'pending'
              : 'cancelled';
    const when = new Date(
      created.getTime() + 86_400_000 + Math.floor(((n + random()) / total) * 29 * 86_400_000),
    );
    const first = pick(FIRST_NAMES);
    const last = pick(LAST_NAMES);
    let place: Place;
    if (kind === 'se-consumer' || kind === 'se-company') {
      const [city, postcode] = pick(SE_CITIES);
      place = {
        country: 'SE',
        city,
        postcode,
        street: `${pick(['Storgatan', 'Kungsgatan', 'Drottninggatan', 'Skolvägen'])} ${1 + Math.floor(random() * 60)}`,
      };
    } else if (kind === 'export') {
      const [country, city, postcode, street] = pick(EXPORT_PLACES);
      place = { country, city, postcode, street };
    } else {
      const country = pick(Object.keys(EU_PLACES));
      const [city, postcode, street] = EU_PLACES[country]!;
      place = { country, city, postcode, street };
    }
    const company =
      kind === 'se-company'
        ? `${last} ${pick(['Bygg', 'Konsult', 'Design', 'Café'])} AB`
        : kind === 'eu-b2b'
          ? `${last} ${pick(['GmbH', 'Oy', 'ApS', 'B.V.', 'SARL'])}`
          : '';
    const meta: Json[] = [];
    if (kind === 'eu-b2b')
      meta.push({ id: id(), key: '_billing_vat_number', value: EU_VAT_NUMBERS[place.country] });
    if (kind === 'se-company' && random() < 0.5)
      meta.push({
        id: id(),
        key: '_billing_vat_number',
        value: `SE55${String(10_000_000 + Math.floor(random() * 89_999_999))}01`,
      });

    // the cart: standard-class goods only for OSS consumers (the shop's destination rates cover those)
    const offer = kind === 'eu-consumer' ? sellables.filter((s) => s.taxClass === 'standard') : sellables;
    const lineCount = 1 + Math.floor(random() * 4);
    const chosen = new Map<string, { item: Sellable; quantity: number }>();
    for (let l = 0; l < lineCount; l++) {
      const item = pick(offer);
      const quantity = 1 + Math.floor(random() * (item.price === '9.99' ? 5 : 3));
      const existing = chosen.get(item.sku);
      chosen.set(item.sku, { item, quantity: (existing?.quantity ?? 0) + quantity });
    }
    const couponPercent = random() < 0.2 ? pick([10, 15, 20]) : 0;
    const taxed = kind !== 'eu-b2b' && kind !== 'export';
    const rateFor = (taxClass: string): { rate: number; rateId: number } => {
      if (!taxed) return { rate: 0, rateId: 0 };
      const country = kind === 'eu-consumer' ? place.country : 'SE';
      const rate = kind === 'eu-consumer' ? EU_STANDARD[country]! : SE_RATES[taxClass]!;
      return { rate, rateId: taxRate(country, taxClass, rate) };
    };

    const taxTotals = new Map<number, { rate: number; items: Decimal; shipping: Decimal }>();
    const addTax = (rateId: number, rate: number, amount: Decimal, what: 'items' | 'shipping'): void => {
      if (rateId === 0) return;
      const entry = taxTotals.get(rateId) ?? { rate, items: new Decimal(0), shipping: new Decimal(0) };
      entry[what] = entry[what].plus(amount);
      taxTotals.set(rateId, entry);
    };
    let itemsNet = new Decimal(0);
    let itemsTax = new Decimal(0);
    let discount = new Decimal(0);
    let discountTax = new Decimal(0);
    let highestRate = { rate: -1, rateId: 0 };
    const lineItems: Json[] = [];
    for (const { item, quantity } of chosen.values()) {
      const gross = new Decimal(item.price).times(quantity);
      const seRate = SE_RATES[item.taxClass]!;
      // WooCommerce keeps the net price when the customer's rate differs from the base country's
      const seTax = round2(gross.times(seRate).div(100 + seRate));
      const subtotal = gross.minus(seTax);
      const { rate, rateId } = rateFor(item.taxClass);
      const subtotalTax =
        kind === 'se-consumer' || kind === 'se-company' ? seTax : round2(subtotal.times(rate).div(100));
      const lineDiscount = round2(subtotal.times(couponPercent).div(100));
      const lineTotal = subtotal.minus(lineDiscount);
      const lineTax = couponPercent ? round2(lineTotal.times(rate).div(100)) : subtotalTax;
      itemsNet = itemsNet.plus(lineTotal);
      itemsTax = itemsTax.plus(lineTax);
      discount = discount.plus(lineDiscount);
      discountTax = discountTax.plus(subtotalTax.minus(lineTax));
      addTax(rateId, rate, lineTax, 'items');
      if (rate > highestRate.rate) highestRate = { rate, rateId };
      lineItems.push({
        id: id(),
        name: item.name,
        product_id: item.productId,
        variation_id: item.variationId,
        quantity,
        tax_class: item.taxClass === 'standard' ? '' : item.taxClass,
        subtotal: money(subtotal),
        subtotal_tax: money(subtotalTax),
        total: money(lineTotal),
        total_tax: money(lineTax),
        taxes: rateId ? [{ id: rateId, total: money(lineTax), subtotal: money(subtotalTax) }] : [],
        meta_data:
          status === 'pending' || status === 'cancelled'
            ? []
            : [{ id: id(), key: '_reduced_stock', value: String(quantity) }],
        sku: item.sku,
        price: Number(subtotal.div(quantity).toFixed(4)),
        parent_name: item.parentName,
      });
    }

    // shipping: 59 kr incl. Swedish VAT, free from 800 kr; 99 kr abroad; taxed at the cart's highest rate
    const grossGoods = itemsNet.plus(itemsTax);
    const shippingNet =
      place.country === 'SE'
        ? grossGoods.gte(800)
          ? new Decimal(0)
          : new Decimal('47.20')
        : new Decimal('79.20');
    const shippingTax =
      taxed && shippingNet.gt(0) ? round2(shippingNet.times(highestRate.rate).div(100)) : new Decimal(0);
    if (shippingTax.gt(0)) addTax(highestRate.rateId, highestRate.rate, shippingTax, 'shipping');
    const shippingLines = shippingNet.gt(0)
      ? [
          {
            id: id(),
            method_title:
              place.country === 'SE'
                ? pick(['PostNord', 'DHL Service Point', 'Budbee'])
                : 'PostNord International',
            method_id: 'flat_rate',
            instance_id: '1',
            total: money(shippingNet),
            total_tax: money(shippingTax),
            taxes: shippingTax.gt(0)
              ? [{ id: highestRate.rateId, total: money(shippingTax), subtotal: '' }]
              : [],
            tax_status: 'taxable',
            meta_data: [],
          },
        ]
      : [];
    const orderTotal = itemsNet.plus(itemsTax).plus(shippingNet).plus(shippingTax);
    const orderId = id();
    const [payment, paymentTitle] = pick(PAYMENTS);
    const paid = status === 'processing' || status === 'completed';
    const address = {
      first_name: first,
      last_name: last,
      company,
      address_1: place.street,
      address_2: '',
      city: place.city,
      state: '',
      postcode: place.postcode,
      country: place.country,
    };
    const email = `${first}.${last}.${n}@example.test`.toLowerCase().replace(/[åä]/g, 'a').replace(/ö/g, 'o');
    const modified = new Date(when.getTime() + 60_000);
    orders.push({
      id: orderId,
      parent_id: 0,
      number: String(orderId),
      order_key: `wc_order_demo${orderId}`,
      created_via: 'checkout',
      version: '10.0.2',
      status,
      currency: 'SEK',
      prices_include_tax: true,
      date_created: isoLocal(when),
      date_created_gmt: isoGmt(when),
      date_modified: isoLocal(modified),
      date_modified_gmt: isoGmt(modified),
      date_paid: paid ? isoLocal(when) : null,
      date_paid_gmt: paid ? isoGmt(when) : null,
      date_completed: status === 'completed' ? isoLocal(modified) : null,
      date_completed_gmt: status === 'completed' ? isoGmt(modified) : null,
      discount_total: money(discount),
      discount_tax: money(discountTax),
      shipping_total: money(shippingNet),
      shipping_tax: money(shippingTax),
      cart_tax: money(itemsTax),
      total: money(orderTotal),
      total_tax: money(itemsTax.plus(shippingTax)),
      customer_id: 0,
      billing: { ...address, email, phone: `070${String(1_000_000 + n).slice(-7)}` },
      shipping: { ...address, phone: '' },
      payment_method: payment,
      payment_method_title: paymentTitle,
      transaction_id: paid ? `txn_${orderId}` : '',
      customer_note: '',
      meta_data: meta,
      line_items: lineItems,
      tax_lines: [...taxTotals.entries()].map(([rateId, t]) => ({
        id: id(),
        rate_code: `${taxes[rateId - 1]!.country}-${String(taxes[rateId - 1]!.name).toUpperCase()}-1`,
        rate_id: rateId,
        label: taxes[rateId - 1]!.name,
        compound: false,
        tax_total: money(t.items),
        shipping_tax_total: money(t.shipping),
        rate_percent: t.rate,
        meta_data: [],
      })),
      shipping_lines: shippingLines,
      fee_lines: [],
      coupon_lines: couponPercent
        ? [
            {
              id: id(),
              code: `rabatt${couponPercent}`,
              discount: money(discount),
              discount_tax: money(discountTax),
              meta_data: [],
            },
          ]
        : [],
      refunds: [],
    });
    generated.push({
      id: orderId,
      kind,
      status,
      total: money(orderTotal),
      country: place.country,
      coupon: couponPercent > 0,
    });
  }

  // a returned item on the first completed Swedish order with more than one piece, and a refunded shipping fee
  const completedSe = orders.filter((o) => o.status === 'completed' && (o.billing as Json).country === 'SE');
  const itemRefund = completedSe.find((o) => (o.line_items as Json[]).some((l) => Number(l.quantity) > 1));
  if (itemRefund) refunds.push({ orderId: itemRefund.id as number, refund: refundOfOneItem(itemRefund, id) });
  const shippingRefund = completedSe.find((o) => o !== itemRefund && (o.shipping_lines as Json[]).length > 0);
  if (shippingRefund)
    refunds.push({ orderId: shippingRefund.id as number, refund: refundOfShipping(shippingRefund, id) });
  for (const { orderId, refund } of refunds) {
    const order = orders.find((o) => o.id === orderId)!;
    order.refunds = [{ id: refund.id, reason: refund.reason, total: `-${refund.amount as string}` }];
  }

  return {
    woo: {
      products,
      variations,
      orders,
      refunds,
      taxes,
      taxClasses: [
        { slug: 'standard', name: 'Standard rate' },
        { slug: 'food', name: 'Livsmedel' },
        { slug: 'reduced-6', name: 'Böcker' },
        { slug: 'zero-rate', name: 'Zero rate' },
      ],
    },
    fortnox: { articles },
    orders: generated,
    skus: sellables.map((s) => s.sku),
  };
}

function article(sku: string, name: string, entry: CatalogueEntry, stock: number): FortnoxArticleSeed {
  return {
    ArticleNumber: sku,
    Description: name,
    SalesPrice: Number(entry.price),
    VAT: SE_RATES[entry.taxClass]!,
    // Fortnox keeps weights in grams
    Weight: new Decimal(entry.weightKg).times(1000).toNumber(),
    QuantityInStock: stock,
    StockGoods: true,
  };
}

function refundOfOneItem(order: Json, id: () => number): Json {
  const line = (order.line_items as Json[]).find((l) => Number(l.quantity) > 1)!;
  const quantity = Number(line.quantity);
  const net = round2(new Decimal(line.total as string).div(quantity));
  const tax = round2(new Decimal(line.total_tax as string).div(quantity));
  const taxes = line.taxes as Json[];
  return {
    id: id(),
    date_created: order.date_modified,
    date_created_gmt: order.date_modified_gmt,
    amount: money(net.plus(tax)),
    reason: 'Retur',
    refunded_by: 1,
    refunded_payment: false,
    meta_data: [],
    line_items: [
      {
        id: id(),
        name: line.name,
        product_id: line.product_id,
        variation_id: line.variation_id,
        quantity: -1,
        tax_class: line.tax_class,
        subtotal: money(net.negated()),
        subtotal_tax: money(tax.negated()),
        total: money(net.negated()),
        total_tax: money(tax.negated()),
        taxes: taxes.map((t) => ({ id: t.id, total: money(tax.negated()), subtotal: money(tax.negated()) })),
        meta_data: [{ id: id(), key: '_refunded_item_id', value: String(line.id) }],
        sku: line.sku,
        price: net.toNumber(),
        parent_name: line.parent_name,
      },
    ],
    shipping_lines: [],
    fee_lines: [],
    tax_lines: taxes.map((t) => ({
      id: id(),
      rate_id: t.id,
      tax_total: money(tax.negated()),
      shipping_tax_total: '0.00',
    })),
  };
}

function refundOfShipping(order: Json, id: () => number): Json {
  const line = (order.shipping_lines as Json[])[0]!;
  const taxes = line.taxes as Json[];
  return {
    id: id(),
    date_created: order.date_modified,
    date_created_gmt: order.date_modified_gmt,
    amount: money(new Decimal(line.total as string).plus(line.total_tax as string)),
    reason: 'Fraktavgift återbetald',
    refunded_by: 1,
    refunded_payment: false,
    meta_data: [],
    line_items: [],
    shipping_lines: [
      {
        id: id(),
        method_title: line.method_title,
        method_id: line.method_id,
        total: money(new Decimal(line.total as string).negated()),
        total_tax: money(new Decimal(line.total_tax as string).negated()),
        taxes: taxes.map((t) => ({
          id: t.id,
          total: money(new Decimal(t.total as string).negated()),
          subtotal: '',
        })),
        meta_data: [{ id: id(), key: '_refunded_item_id', value: String(line.id) }],
      },
    ],
    fee_lines: [],
    tax_lines: taxes.map((t) => ({
      id: id(),
      rate_id: t.id,
      tax_total: '0.00',
      shipping_tax_total: money(new Decimal(t.total as string).negated()),
    })),
  };
}
