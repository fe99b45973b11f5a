import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** A temp folder for the fixtures a test writes itself; `remove()` in afterEach. */
export class FixtureDirectory {
  readonly path: string;

  private constructor(directory: string) {
    this.path = directory;
  }

  static async create(): Promise<FixtureDirectory> {
    return new FixtureDirectory(await mkdtemp(path.join(tmpdir(), 'parley-dataset-')));
  }

  /** Writes `name` with exactly these bytes (strings as UTF-8) and returns its path. */
  async write(name: string, content: string | Uint8Array): Promise<string> {
    const file = path.join(this.path, name);
    await writeFile(file, content);
    return file;
  }

  file(name: string): string {
    return path.join(this.path, name);
  }

  list(): Promise<string[]> {
    return readdir(this.path);
  }

  remove(): Promise<void> {
    return rm(this.path, { recursive: true, force: true });
  }
}

/** The repository root (tests resolve shared data and seeds from it). */
export const REPOSITORY_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** The Synthetic-Persona-Chat test split (test/support/spc-test-split.ts decides where). */
export { SPC_TEST_CSV } from '../../../../test/support/spc-test-split';
