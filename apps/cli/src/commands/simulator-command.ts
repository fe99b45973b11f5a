import { type RunningSimulator, type SimulatorOptions, startSimulator } from '@parley/simulator';
import type { Command } from 'commander';
import {
  parseFraction,
  parseInteger,
  parseNonNegativeInteger,
  parsePort,
  parsePositiveInteger,
} from '../options/number-options';

interface SimulatorCommandOptions {
  port: number;
  host: string;
  seed: number;
  latency?: number;
  latencyJitter?: number;
  rpm?: number;
  rateLimitRate?: number;
  retryAfter?: number;
  errorRate?: number;
  malformedRate?: number;
  hangRate?: number;
  textSource?: string;
  passRate?: number;
}

/** `parley simulator`: the OpenAI- and Anthropic-compatible LLM simulator (docs/simulator.md). */
export function registerSimulatorCommand(program: Command): void {
  program
    .command('simulator')
    .description('Serve the OpenAI- and Anthropic-compatible LLM simulator (demos, tests, fault drills)')
    .option('--port <port>', 'TCP port (0 picks a free one)', parsePort, 8787)
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--seed <seed>', 'seed of every answer and injected fault', parseInteger, 1)
    .option('--latency <ms>', 'fixed latency per model request', parseNonNegativeInteger)
    .option('--latency-jitter <ms>', 'extra uniform latency in [0, ms)', parseNonNegativeInteger)
    .option('--rpm <n>', 'answer 429 above n requests in any 60 s window', parsePositiveInteger)
    .option('--rate-limit-rate <r>', 'fraction of requests answered 429 with retry-after', parseFraction)
    .option('--retry-after <s>', 'seconds in retry-after of injected 429s', parseNonNegativeInteger)
    .option('--error-rate <r>', 'fraction of requests answered 500 or 503', parseFraction)
    .option('--malformed-rate <r>', 'fraction of structured answers with broken JSON', parseFraction)
    .option('--hang-rate <r>', 'fraction of requests never answered', parseFraction)
    .option('--text-source <file>', 'seed file to draw text from (SPC CSV, Parley JSONL, plain lines)')
    .option('--pass-rate <r>', 'probability of the favourable answer of verdict fields', parseFraction)
    .action(async (options: SimulatorCommandOptions) => {
      const simulator = await startSimulator(toSimulatorOptions(options));
      printBanner(simulator);
      await waitForStopSignal();
      process.stdout.write('parley simulator: stopping\n');
      const stats = simulator.stats();
      await simulator.close();
      process.stdout.write(
        `parley simulator: served ${stats.requests.total} requests, ${stats.tokens.input} tokens in, ${stats.tokens.output} tokens out\n`,
      );
    });
}

function toSimulatorOptions(options: SimulatorCommandOptions): SimulatorOptions {
  const faults: NonNullable<SimulatorOptions['faults']> = {};
  if (options.rateLimitRate !== undefined) faults.rateLimited = options.rateLimitRate;
  if (options.retryAfter !== undefined) faults.retryAfterSeconds = options.retryAfter;
  if (options.errorRate !== undefined) faults.serverError = options.errorRate;
  if (options.malformedRate !== undefined) faults.malformed = options.malformedRate;
  if (options.hangRate !== undefined) faults.hang = options.hangRate;
  return {
    port: options.port,
    host: options.host,
    seed: options.seed,
    faults,
    ...(options.latency !== undefined && { latencyMs: options.latency }),
    ...(options.latencyJitter !== undefined && { latencyJitterMs: options.latencyJitter }),
    ...(options.rpm !== undefined && { requestsPerMinute: options.rpm }),
    ...(options.textSource !== undefined && { textSource: options.textSource }),
    ...(options.passRate !== undefined && { verdictPassRate: options.passRate }),
  };
}

function printBanner(simulator: RunningSimulator): void {
  process.stdout.write(
    [
      `parley simulator listening on ${simulator.url}`,
      `  OpenAI base URL:    ${simulator.openaiBaseURL}`,
      `  Anthropic base URL: ${simulator.anthropicBaseURL}`,
      `  Stats:              ${simulator.url}/stats`,
      'Press Ctrl+C to stop.',
      '',
    ].join('\n'),
  );
}

function waitForStopSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
