import path from 'node:path';

/** The bench/ folder. */
export const BENCH_ROOT = path.resolve(import.meta.dirname, '..');
/** The repository root. */
export const REPO_ROOT = path.resolve(BENCH_ROOT, '..');
/** Scratch output (git-ignored): job files, run folders, profiles. */
export const BENCH_OUT = path.join(BENCH_ROOT, 'out');
/** The CLI entry, as users run it (`npx parley` → tsx). */
export const PARLEY_BIN = path.join(REPO_ROOT, 'apps/cli/bin/parley.js');
/** The real seed: Synthetic-Persona-Chat's test split (968 conversations). */
export const SPC_TEST_CSV =
  process.env.PARLEY_SPC_TEST_CSV ??
  path.resolve(REPO_ROOT, '../shared/data/Synthetic-Persona-Chat_test.csv');
