import { compareCodeUnits } from './canonical-json';

const CHUNK = /\d+|\D+/g;

/**
 * Orders ids the way people read them (`pair-9` before `pair-10`), deterministically: digit
 * runs compare as numbers (by length once leading zeros are gone, then digit by digit, so ids
 * longer than a double's precision still sort right), other runs by code unit. Ties between
 * different spellings of one number (`7` and `007`) fall back to a plain code-unit comparison.
 */
export function naturalCompare(a: string, b: string): number {
  if (a === b) return 0;
  const left = a.match(CHUNK) ?? [];
  const right = b.match(CHUNK) ?? [];
  const length = Math.min(left.length, right.length);
  for (let index = 0; index < length; index++) {
    const x = left[index] as string;
    const y = right[index] as string;
    if (x === y) continue;
    const xDigits = isDigit(x);
    const yDigits = isDigit(y);
    if (xDigits && yDigits) {
      const xTrimmed = x.replace(/^0+(?=\d)/, '');
      const yTrimmed = y.replace(/^0+(?=\d)/, '');
      if (xTrimmed.length !== yTrimmed.length) return xTrimmed.length - yTrimmed.length;
      const byValue = compareCodeUnits(xTrimmed, yTrimmed);
      if (byValue !== 0) return byValue;
      continue;
    }
    return compareCodeUnits(x, y);
  }
  if (left.length !== right.length) return left.length - right.length;
  return compareCodeUnits(a, b);
}

function isDigit(chunk: string): boolean {
  const code = chunk.charCodeAt(0);
  return code >= 48 && code <= 57;
}
