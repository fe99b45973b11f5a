import { realpath } from 'node:fs/promises';
import path from 'node:path';

/** Why a path was refused; the caller words the message (never with the file's content). */
export type PathRefusal = 'outside' | 'symlink-escape' | 'missing';

export type RootedPath = { ok: true; realPath: string } | { ok: false; refusal: PathRefusal };

/** Whether `candidate` is `root` or lies below it (both absolute, normalised). */
export function isInside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return (
    relative === '' ||
    (!relative.startsWith(`..${path.sep}`) && relative !== '..' && !path.isAbsolute(relative))
  );
}

/**
 * Resolves `given` (absolute) inside one of `roots`, symbolic links included, touching the file
 * system only once the path text lies inside a root: a path outside is refused without even
 * learning whether it exists. `mustExist` (a seed) needs the file; otherwise (an output folder
 * to be created) the deepest existing ancestor is resolved and the rest appended, so a link
 * anywhere on the way out of the roots is caught.
 */
export async function resolveInsideRoots(
  given: string,
  roots: readonly string[],
  options: { mustExist: boolean },
): Promise<RootedPath> {
  const absolute = path.resolve(given);
  const realRoots = (await Promise.all(roots.map((root) => realpath(root).catch(() => undefined)))).filter(
    (root): root is string => root !== undefined,
  );
  const lexicalRoots = [...roots.map((root) => path.resolve(root)), ...realRoots];
  if (!lexicalRoots.some((root) => isInside(root, absolute))) return { ok: false, refusal: 'outside' };

  let realPath: string;
  if (options.mustExist) {
    try {
      realPath = await realpath(absolute);
    } catch {
      return { ok: false, refusal: 'missing' };
    }
  } else {
    realPath = await realpathOfDeepestExisting(absolute);
  }
  if (!realRoots.some((root) => isInside(root, realPath))) return { ok: false, refusal: 'symlink-escape' };
  return { ok: true, realPath };
}

async function realpathOfDeepestExisting(absolute: string): Promise<string> {
  const missing: string[] = [];
  let current = absolute;
  for (;;) {
    try {
      return path.join(await realpath(current), ...missing.reverse());
    } catch {
      const parent = path.dirname(current);
      if (parent === current) return absolute;
      missing.push(path.basename(current));
      current = parent;
    }
  }
}
