// Entry point of the bundled CLI (dist/parley.mjs); apps/cli/bin/parley.js runs main.ts through tsx instead.
import { main } from './main';

process.exitCode = await main(process.argv);
