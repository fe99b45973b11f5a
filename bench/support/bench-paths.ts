import path from 'node:path';

/** The bench/ folder. */
export const BENCH_ROOT = path.resolve(import.meta.dirname, '..');
/** The repository root. */
export const REPO_ROOT = path.resolve(BENCH_ROOT, '..');
/** Scratch output (git-ignored): job files, run folders, profiles. */
export const BENCH_OUT = path.join(BENCH_ROOT, 'out');
/** The CLI entry, as users run it (`npx parley` → tsx). */
export const PARLEY_BIN = path.join(REPO_ROOT, 'apps/cli/bin/parley.js');
/** The Synthetic-Persona-Chat test split (test/support/spc-test-split.ts decides where). */
export { SPC_TEST_CSV } from '../../test/support/spc-test-split';
