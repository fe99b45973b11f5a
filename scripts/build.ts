// `npm run build`: bundles the CLI and its workspace packages into dist/parley.mjs, so a
// container image can run `node dist/parley.mjs` without tsx. npm packages stay external and
// come from node_modules; type checking is `npm run typecheck`.
import { readFile } from 'node:fs/promises';
import { build } from 'esbuild';

const packageFiles = ['apps/cli', 'apps/worker', 'apps/scheduler', 'packages/core', 'packages/llm'].concat([
  'packages/dataset',
  'packages/generator',
  'packages/critic',
]);
const external = new Set<string>();
for (const folder of packageFiles) {
  const manifest = JSON.parse(await readFile(`${folder}/package.json`, 'utf8')) as {
    dependencies?: Record<string, string>;
  };
  for (const name of Object.keys(manifest.dependencies ?? {})) {
    if (!name.startsWith('@parley/')) external.add(name);
  }
}

const result = await build({
  entryPoints: ['apps/cli/src/bin.ts'],
  outfile: 'dist/parley.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  external: [...external],
  banner: {
    js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
  },
  logLevel: 'warning',
  metafile: true,
});
const bytes = Object.values(result.metafile.outputs).reduce((sum, output) => sum + output.bytes, 0);
console.log(`dist/parley.mjs: ${(bytes / 1024).toFixed(0)} KiB, ${external.size} external packages`);
