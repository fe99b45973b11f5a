import { InvalidArgumentError } from 'commander';

// Parsers for numeric command-line options: commander reports their messages with the option
// name (`option '--limit <n>' argument 'x' is invalid. expected a positive integer`).

export function parseInteger(value: string): number {
  if (!/^-?\d+$/.test(value.trim())) throw new InvalidArgumentError('expected an integer');
  return Number(value);
}

export function parseNonNegativeInteger(value: string): number {
  const number = /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(number)) throw new InvalidArgumentError('expected a non-negative integer');
  return number;
}

export function parsePositiveInteger(value: string): number {
  const number = /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(number) || number === 0)
    throw new InvalidArgumentError('expected a positive integer');
  return number;
}

/** A number in [0, 1]: a rate or a probability. */
export function parseFraction(value: string): number {
  const number = value.trim() === '' ? Number.NaN : Number(value);
  if (!(number >= 0 && number <= 1)) throw new InvalidArgumentError('expected a number between 0 and 1');
  return number;
}

/** A TCP port; 0 asks the system for a free one. */
export function parsePort(value: string): number {
  const number = /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (!(number >= 0 && number <= 65535))
    throw new InvalidArgumentError('expected a port number between 0 and 65535');
  return number;
}
