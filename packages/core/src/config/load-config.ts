import { readFile } from 'node:fs/promises';
import { isMap, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import type { z } from 'zod';
import { ConfigError, type ConfigProblem } from '../errors';
import { type RunConfig, runConfigSchema } from './run-config';

/** Reads a YAML or JSON job file (JSON is YAML) and validates it; throws one ConfigError with every problem. */
export async function loadRunConfig(file: string): Promise<RunConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigError(
      [{ path: '', message: `cannot read the job file (${(error as Error).message})` }],
      file,
    );
  }
  return parseRunConfig(text, file);
}

/** Parses job-file text; `source` names the file in messages. */
export function parseRunConfig(text: string, source = 'job'): RunConfig {
  return parseYamlWithSchema(text, runConfigSchema, source);
}

/**
 * Parses YAML (or JSON) text and validates it with `schema`; throws one ConfigError with every
 * problem, each with its line. For job files and the operator's own configuration files.
 */
export function parseYamlWithSchema<Schema extends z.ZodType>(
  text: string,
  schema: Schema,
  source: string,
): z.output<Schema> {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    throw new ConfigError(
      document.errors.map((error) => ({
        path: '',
        message: `not valid YAML or JSON: ${error.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '')}`,
        line: error.linePos?.[0]?.line,
      })),
      source,
    );
  }
  const raw: unknown = document.toJS();
  const result = schema.safeParse(raw ?? {});
  if (result.success) return result.data;
  const problems = describeIssues(result.error.issues, raw, (path) => {
    const node = nodeAt(document.contents, path);
    return node?.range ? lineCounter.linePos(node.range[0]).line : undefined;
  });
  throw new ConfigError(problems, source);
}

/**
 * Finds the line of a config path (`['models', 'gpt', 'baseURL']`) in job-file text, for
 * problems found after parsing (the run API's policy checks). Undefined when the path is absent.
 */
export function jobTextLineLocator(text: string): (path: PropertyKey[]) => number | undefined {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter });
  return (path) => {
    const node = nodeAt(document.contents, path);
    return node?.range ? lineCounter.linePos(node.range[0]).line : undefined;
  };
}

/** Validates an already-parsed object (job data, API payloads). */
export function validateRunConfig(raw: unknown, source = 'config'): RunConfig {
  const result = runConfigSchema.safeParse(raw);
  if (result.success) return result.data;
  throw new ConfigError(describeIssues(result.error.issues, raw), source);
}

/**
 * Turns zod issues into `path: problem, got value` lines. Our schema builders phrase the
 * expectation ("expected a positive integer"); the value actually found is appended here.
 */
export function describeIssues(
  issues: readonly z.core.$ZodIssue[],
  raw: unknown,
  lineOf: (path: PropertyKey[]) => number | undefined = () => undefined,
): ConfigProblem[] {
  return issues.flatMap((issue) => {
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      return describeIssues(issue.errors[0] ?? [], raw, lineOf);
    }
    const path = [...issue.path];
    const found = valueAt(raw, path);
    let message = issue.message;
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        path: [...path, key].join('.'),
        message: 'unknown key (check its spelling and level)',
        line: lineOf([...path, key]),
      }));
    }
    if (found.present) {
      if (
        issue.code === 'invalid_type' ||
        issue.code === 'too_small' ||
        issue.code === 'too_big' ||
        issue.code === 'invalid_value' ||
        issue.code === 'invalid_format'
      ) {
        message = `${normaliseMessage(message)}, got ${show(found.value)}`;
      }
    } else if (issue.code === 'invalid_type') {
      message = `is required (${normaliseMessage(message)})`;
    }
    return [{ path: path.join('.'), message, line: lineOf(path) }];
  });
}

function normaliseMessage(message: string): string {
  // zod's own defaults read "Invalid input: expected number, received string"; keep the expectation.
  return message.replace(/^Invalid input: /, '').replace(/, received \w+$/, '');
}

function show(value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined) return String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function valueAt(raw: unknown, path: PropertyKey[]): { present: boolean; value?: unknown } {
  let current: unknown = raw;
  for (const key of path) {
    if (current === null || typeof current !== 'object' || !(key in (current as object)))
      return { present: false };
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return { present: true, value: current };
}

function nodeAt(root: unknown, path: PropertyKey[]): Node | undefined {
  // A missing key has no line of its own; point at its parent unless that parent is the root.
  let current = root as Node | undefined;
  let deepest: Node | undefined;
  for (const key of path) {
    if (isMap(current)) {
      const pair = current.items.find((item) => (item.key as { value?: unknown })?.value === key);
      if (!pair) break;
      current = (pair.value ?? pair.key) as Node;
    } else if (isSeq(current) && typeof key === 'number') {
      current = current.items[key] as Node | undefined;
      if (!current) break;
    } else {
      break;
    }
    deepest = current;
  }
  return deepest;
}
