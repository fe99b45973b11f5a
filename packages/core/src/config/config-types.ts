import { z } from 'zod';

// Small schema builders whose messages read well in a config error:
// `iterations: expected a positive integer, got "three"`.

export const positiveInteger = () =>
  z
    .number({ error: 'expected a positive integer' })
    .int({ error: 'expected a positive integer' })
    .positive({ error: 'expected a positive integer' });

export const nonNegativeInteger = () =>
  z
    .number({ error: 'expected a non-negative integer' })
    .int({ error: 'expected a non-negative integer' })
    .nonnegative({ error: 'expected a non-negative integer' });

export const nonNegativeNumber = () =>
  z
    .number({ error: 'expected a non-negative number' })
    .nonnegative({ error: 'expected a non-negative number' });

export const fraction = () =>
  z
    .number({ error: 'expected a number between 0 and 1' })
    .min(0, { error: 'expected a number between 0 and 1' })
    .max(1, { error: 'expected a number between 0 and 1' });

export const nonEmptyString = () =>
  z.string({ error: 'expected a non-empty string' }).min(1, { error: 'expected a non-empty string' });
