import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { ReleaseVersions } from './release-input';

/** Packages whose versions change what a run produces or how it talks to providers. */
export const RELEASE_VERSION_PACKAGES = ['bullmq', 'openai', '@anthropic-ai/sdk'] as const;

/** Options of {@link readReleaseVersions}. */
export interface ReleaseVersionsOptions {
  /** Folder to start looking from for `package.json` and `node_modules`. @defaultValue this module's folder */
  from?: string;
  /** Packages to report. @defaultValue RELEASE_VERSION_PACKAGES */
  packages?: readonly string[];
}

const packageManifestSchema = z.object({ name: z.string().optional(), version: z.string() });

/**
 * Parley's version (the root `parley` package.json), Node's, and the installed versions of the
 * packages that matter, each read from its own package.json the way Node would find it (walking
 * up through `node_modules` folders). A package that is not installed reports null.
 */
export async function readReleaseVersions(options: ReleaseVersionsOptions = {}): Promise<ReleaseVersions> {
  const from = options.from ?? path.dirname(fileURLToPath(import.meta.url));
  const names = options.packages ?? RELEASE_VERSION_PACKAGES;
  const packages: Record<string, string | null> = {};
  for (const name of names) {
    packages[name] =
      (await findUp(from, (folder) => path.join(folder, 'node_modules', name, 'package.json')))?.version ??
      null;
  }
  const parley = await findUp(from, (folder) => path.join(folder, 'package.json'), 'parley');
  return { parley: parley?.version ?? 'unknown', node: process.versions.node, packages };
}

async function findUp(
  start: string,
  candidate: (folder: string) => string,
  name?: string,
): Promise<z.infer<typeof packageManifestSchema> | undefined> {
  let folder = path.resolve(start);
  for (;;) {
    const manifest = await readManifest(candidate(folder));
    if (manifest && (name === undefined || manifest.name === name)) return manifest;
    const parent = path.dirname(folder);
    if (parent === folder) return undefined;
    folder = parent;
  }
}

async function readManifest(file: string): Promise<z.infer<typeof packageManifestSchema> | undefined> {
  try {
    const result = packageManifestSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
    return result.success ? result.data : undefined;
  } catch {
    return undefined;
  }
}
