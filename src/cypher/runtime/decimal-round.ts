// Rounding a double to a number of decimal places, the way round(x, precision, mode) does.
//
// Rounding works on the shortest decimal that reads back as the double (what
// Number#toExponential() prints, and what Java's BigDecimal.valueOf uses), not on the
// double's exact binary expansion: round(2.675, 2) is 2.68 because the value is written
// 2.675, although the nearest double is slightly below it. The result is the double nearest
// to the rounded decimal. NaN and ±Infinity pass through unchanged.

export type RoundingMode = 'UP' | 'DOWN' | 'CEILING' | 'FLOOR' | 'HALF_UP' | 'HALF_DOWN' | 'HALF_EVEN';

export const ROUNDING_MODES: readonly RoundingMode[] = ['UP', 'DOWN', 'CEILING', 'FLOOR', 'HALF_UP', 'HALF_DOWN', 'HALF_EVEN'];

function roundsAway(mode: RoundingMode, negative: boolean, first: number, restNonZero: boolean, lastKeptOdd: boolean): boolean {
  const anyNonZero = first !== 0 || restNonZero;
  switch (mode) {
    case 'UP':
      return anyNonZero;
    case 'DOWN':
      return false;
    case 'CEILING':
      return anyNonZero && !negative;
    case 'FLOOR':
      return anyNonZero && negative;
    case 'HALF_UP':
      return first >= 5;
    case 'HALF_DOWN':
      return first > 5 || (first === 5 && restNonZero);
    case 'HALF_EVEN':
      return first > 5 || (first === 5 && (restNonZero || lastKeptOdd));
  }
}

/** Round `value` to `scale` decimal places (negative scale rounds to tens, hundreds, ...). */
export function roundDecimal(value: number, scale: number, mode: RoundingMode): number {
  if (!Number.isFinite(value) || value === 0) return value;
  const negative = value < 0;
  const [mantissa, exponentText] = Math.abs(value).toExponential().split('e') as [string, string];
  const digits = mantissa.replace('.', '');
  const exponent = Number(exponentText);
  // digits[j] weighs 10^(exponent - j); keep those weighing at least 10^-scale.
  const keep = exponent + scale + 1;
  if (keep >= digits.length) return value;
  const kept = keep > 0 ? digits.slice(0, keep) : '';
  const first = keep >= 0 ? Number(digits[keep]) : 0;
  const rest = keep >= 0 ? digits.slice(keep + 1) : digits;
  const restNonZero = /[1-9]/.test(rest);
  const lastKeptOdd = kept.length > 0 && Number(kept[kept.length - 1]) % 2 === 1;
  let units = BigInt(kept === '' ? '0' : kept);
  if (roundsAway(mode, negative, first, restNonZero, lastKeptOdd)) units += 1n;
  if (units === 0n) return 0;
  const magnitude = Number(`${units}e${-scale}`);
  return negative ? -magnitude : magnitude;
}
