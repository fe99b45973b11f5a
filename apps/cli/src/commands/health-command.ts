import { ParleyError } from '@parley/core';
import type { Command } from 'commander';
import { heartbeatProblem } from '../health/heartbeat';
import { parsePositiveInteger } from '../options/number-options';

/**
 * `parley health --heartbeat FILE`: the container healthcheck of `parley worker` and
 * `parley scheduler` (started with `--heartbeat FILE` or PARLEY_HEARTBEAT_FILE). Exit 0 when
 * the heartbeat is fresh, else one line saying why and exit 2.
 */
export function registerHealthCommand(program: Command): void {
  program
    .command('health')
    .description('Check a worker or scheduler heartbeat file (for container healthchecks)')
    .option('--heartbeat <file>', 'heartbeat file (default: PARLEY_HEARTBEAT_FILE)')
    .option('--max-age <seconds>', 'oldest heartbeat that counts as healthy', parsePositiveInteger, 60)
    .action(async (options: { heartbeat?: string; maxAge: number }) => {
      const file = options.heartbeat ?? process.env.PARLEY_HEARTBEAT_FILE;
      if (!file)
        throw new ParleyError('no heartbeat file: give --heartbeat FILE or set PARLEY_HEARTBEAT_FILE', {
          code: 'USAGE',
        });
      const problem = await heartbeatProblem(file, options.maxAge * 1000);
      if (problem) throw new ParleyError(problem, { code: 'UNHEALTHY' });
      process.stdout.write('healthy\n');
    });
}
