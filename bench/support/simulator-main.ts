// Child-process entry: `node --import tsx bench/support/simulator-main.ts '<options JSON>'`.
// Starts the LLM simulator, prints `{"url": ...}` on one line and serves until SIGTERM, so the
// benchmark can measure the simulator's CPU and memory apart from Parley's.
import { type SimulatorOptions, startSimulator } from '@parley/simulator';

const options = JSON.parse(process.argv[2] ?? '{}') as SimulatorOptions;
const simulator = await startSimulator(options);
process.stdout.write(`${JSON.stringify({ url: simulator.url })}\n`);
await new Promise<void>((resolve) => {
  process.once('SIGTERM', () => resolve());
  process.once('SIGINT', () => resolve());
});
await simulator.close();
