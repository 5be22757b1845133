/**
 * WooCommerce writes `_gmt` dates as `2026-11-27T04:06:17`: UTC, but with no offset. The model
 * wants an explicit one, so `Z` is added; a value that already carries an offset is kept.
 */
export function gmtToIso(value: string | null | undefined): string | undefined {
  if (!value) return undefined;
  const text = value.trim();
  if (/(Z|[+-]\d{2}:?\d{2})$/i.test(text)) return text;
  return `${text}Z`;
}

/** The UTC form WooCommerce's `modified_after` expects with `dates_are_gmt=true`: no offset, no millis. */
export function isoToGmtParam(value: string): string {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new RangeError(`not a timestamp: ${value}`);
  return date.toISOString().slice(0, 19);
}
