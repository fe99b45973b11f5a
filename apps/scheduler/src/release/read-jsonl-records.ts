import { InputError } from '@parley/core';
import type { z } from 'zod';
import { readLines } from './read-lines';

/** A validated line of a JSONL file, with its 1-based line number for later error messages. */
export interface JsonlRecord<T> {
  line: number;
  record: T;
}

export interface ReadJsonlRecordsOptions {
  /** What a line must be, for the error message: `not ${what}: path: problem`. */
  what: string;
  /** The InputError code of a bad line. @defaultValue the InputError default */
  code?: string;
}

/**
 * Streams the records of a JSONL file, skipping blank lines. A line that is not JSON or fails the
 * schema is an InputError naming file:line and the first problem.
 */
export async function* readJsonlRecords<T>(
  file: string,
  schema: z.ZodType<T>,
  options: ReadJsonlRecordsOptions,
): AsyncGenerator<JsonlRecord<T>> {
  const errorOptions = options.code === undefined ? {} : { code: options.code };
  for await (const line of readLines(file)) {
    if (line.text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line.text);
    } catch {
      throw new InputError(`${file}:${line.number}`, 'not JSON', errorOptions);
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new InputError(
        `${file}:${line.number}`,
        `not ${options.what}: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`,
        errorOptions,
      );
    }
    yield { line: line.number, record: parsed.data };
  }
}
