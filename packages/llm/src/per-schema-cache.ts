import type { z } from 'zod';

/**
 * Memoises a conversion of a zod schema (to JSON Schema, to a vendor's response format) per
 * schema object and name. Stages reuse a handful of immutable schema objects for every call,
 * and converting each time cost a few percent of a worker's CPU (measured by bench/).
 */
export function cachePerSchema<R>(convert: (schema: z.ZodType, name: string) => R) {
  const cache = new WeakMap<z.ZodType, Map<string, R>>();
  return (schema: z.ZodType, name = ''): R => {
    let byName = cache.get(schema);
    if (!byName) {
      byName = new Map();
      cache.set(schema, byName);
    }
    let converted = byName.get(name);
    if (converted === undefined) {
      converted = convert(schema, name);
      byName.set(name, converted);
    }
    return converted;
  };
}
