import { z } from 'zod';
import { runConfigSchema } from './run-config';

/** The job file as JSON Schema, for editor autocompletion (`# yaml-language-server: $schema=...`). */
export function runConfigJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(runConfigSchema, { io: 'input', unrepresentable: 'any' }),
    title: 'Parley job file',
  };
}
