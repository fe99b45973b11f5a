#!/usr/bin/env node
// Parley runs its TypeScript sources directly through tsx, so `npx parley` works right after
// `npm ci` with no build step. `npm run build` makes a bundle for images (see scripts/build.ts).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/main.ts');
process.exitCode = await main(process.argv);
