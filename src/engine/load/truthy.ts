/**
 * GitHub Actions truthiness, on plain values: what `if:` and `!`, `&&`, `||` use.
 */

/** False for `false`, `0`, `-0`, `NaN`, `''`, `null` and `undefined`; true otherwise, including `'false'`, `{}` and `[]`. */
export function isTruthy(value: unknown): boolean {
  if (value === null || value === undefined) return false;
  switch (typeof value) {
    case 'boolean':
      return value;
    case 'number':
      return value !== 0 && !Number.isNaN(value);
    case 'string':
      return value !== '';
    default:
      return true;
  }
}
