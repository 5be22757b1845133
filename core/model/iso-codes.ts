/**
 * Whether a code is an assigned ISO 3166-1 alpha-2 country code or an ISO 4217 currency code, so a
 * connector can refuse an order that names a country or currency no one can book (a pattern check
 * lets `XX` and `ABC` through).
 */

/**
 * The 249 officially assigned ISO 3166-1 alpha-2 codes. A table rather than `Intl.DisplayNames`:
 * that also names codes ISO does not assign to a country (`UK`, `EU`, `ZZ`, `QO`, withdrawn `DD`,
 * `YU`, `CS`), so it cannot say "no such country". WooCommerce's own country list
 * (`GET /settings/general`, woocommerce_default_country, 10.0.2) is exactly these codes.
 */
const COUNTRY_CODES: ReadonlySet<string> = new Set(
  (
    'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT ' +
    'BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ' +
    'ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT ' +
    'HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS ' +
    'LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI ' +
    'NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG ' +
    'SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG ' +
    'UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW'
  ).split(' '),
);

/**
 * ISO 4217 currencies as the runtime's ICU data knows them (Node's full ICU, CLDR): the codes in
 * circulation, without the testing and no-currency codes (`XTS`, `XXX`) that no shop sells in.
 * ICU is updated with Node, so a new currency arrives without a change here.
 */
const CURRENCY_CODES: ReadonlySet<string> = new Set(Intl.supportedValuesOf('currency'));

/** True for an assigned ISO 3166-1 alpha-2 code, upper case (`SE`; not `se`, `UK` or `XX`). */
export function isCountryCode(code: string): boolean {
  return COUNTRY_CODES.has(code);
}

/** True for an ISO 4217 currency code in circulation, upper case (`SEK`; not `sek` or `KRONOR`). */
export function isCurrencyCode(code: string): boolean {
  return CURRENCY_CODES.has(code);
}
