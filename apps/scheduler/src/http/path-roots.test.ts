import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isInside, resolveInsideRoots } from './path-roots';

describe('resolveInsideRoots', () => {
  let base: string;
  let root: string;
  beforeAll(async () => {
    base = await mkdtemp(path.join(os.tmpdir(), 'parley-roots-'));
    root = path.join(base, 'root');
    await mkdir(path.join(root, 'inner'), { recursive: true });
    await mkdir(path.join(base, 'elsewhere'));
    await writeFile(path.join(root, 'inner', 'file.txt'), 'x');
    await writeFile(path.join(base, 'elsewhere', 'file.txt'), 'x');
    await symlink(path.join(base, 'elsewhere'), path.join(root, 'escape'));
    await symlink(path.join(root, 'inner'), path.join(root, 'alias'));
  });
  afterAll(() => rm(base, { recursive: true, force: true }));

  it('knows inside from outside by path segments, not by text prefix', () => {
    expect(isInside('/data', '/data')).toBe(true);
    expect(isInside('/data', '/data/a/b')).toBe(true);
    expect(isInside('/data', '/data-other/a')).toBe(false);
    expect(isInside('/data', '/')).toBe(false);
    expect(isInside('/data', '/data/../etc')).toBe(false);
    expect(isInside('/data', '/data/..hidden')).toBe(true);
  });

  it('resolves existing files through links that stay inside', async () => {
    const result = await resolveInsideRoots(path.join(root, 'alias', 'file.txt'), [root], {
      mustExist: true,
    });
    expect(result).toEqual({ ok: true, realPath: path.join(await realpath(root), 'inner', 'file.txt') });
  });

  it('refuses outside paths, link escapes, and missing files inside', async () => {
    expect(await resolveInsideRoots('/etc/passwd', [root], { mustExist: true })).toEqual({
      ok: false,
      refusal: 'outside',
    });
    expect(
      await resolveInsideRoots(path.join(root, 'escape', 'file.txt'), [root], { mustExist: true }),
    ).toEqual({
      ok: false,
      refusal: 'symlink-escape',
    });
    expect(await resolveInsideRoots(path.join(root, 'nope.txt'), [root], { mustExist: true })).toEqual({
      ok: false,
      refusal: 'missing',
    });
  });

  it('resolves folders still to be created through their deepest existing ancestor', async () => {
    expect(
      (await resolveInsideRoots(path.join(root, 'new', 'deeper'), [root], { mustExist: false })).ok,
    ).toBe(true);
    expect(
      await resolveInsideRoots(path.join(root, 'escape', 'new', 'deeper'), [root], { mustExist: false }),
    ).toEqual({
      ok: false,
      refusal: 'symlink-escape',
    });
  });
});
