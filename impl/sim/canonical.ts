// Canonical JSON: object keys sorted, so two equal values have one text whatever their key order.
// The safety watch compares decided values with it.

/** JSON text of `v` with object keys in sorted order (undefined fields dropped, as JSON does). */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') {
    const s = JSON.stringify(v) as string | undefined;
    return s ?? 'null';
  }
  if (Array.isArray(v)) {
    let s = '[';
    for (let i = 0; i < v.length; i++) s += (i === 0 ? '' : ',') + canonicalJson(v[i]);
    return s + ']';
  }
  const toJson = (v as { toJSON?: () => unknown }).toJSON;
  if (typeof toJson === 'function') return canonicalJson(toJson.call(v));
  const keys = Object.keys(v).sort();
  let s = '{';
  let first = true;
  for (const k of keys) {
    const x = (v as Record<string, unknown>)[k];
    if (x === undefined || typeof x === 'function') continue;
    s += (first ? '' : ',') + JSON.stringify(k) + ':' + canonicalJson(x);
    first = false;
  }
  return s + '}';
}
