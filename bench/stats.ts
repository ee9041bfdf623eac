// Helpers the bench parts share: the median of samples and how figures are printed.

/** The median of `xs` (the mean of the two middle samples for an even count). */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** A figure rounded to a whole number, with thousands separators (1,234,567). */
export function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
