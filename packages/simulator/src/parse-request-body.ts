import type { z } from 'zod';
import { ProviderHttpError } from './provider-errors';

/**
 * Validates a request body; a failure becomes a 400 naming the field, in the provider's words:
 * `messages.0.role: Invalid option: expected one of "system"|"user"|...`.
 */
export function parseRequestBody<Schema extends z.ZodType>(schema: Schema, body: unknown): z.infer<Schema> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issues = result.error.issues.slice(0, 5).map((issue) => {
    const path = issue.path.map(String).join('.');
    return path ? `${path}: ${issue.message}` : issue.message;
  });
  const more = result.error.issues.length > 5 ? ` (and ${result.error.issues.length - 5} more)` : '';
  const first = result.error.issues[0];
  throw new ProviderHttpError(400, `Invalid request body: ${issues.join('; ')}${more}`, {
    param: first && first.path.length > 0 ? first.path.map(String).join('.') : null,
  });
}
