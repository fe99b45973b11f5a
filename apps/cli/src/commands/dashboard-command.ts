import { createLogger, keyPrefix } from '@parley/core';
import { DEFAULT_DASHBOARD_HOST, DEFAULT_DASHBOARD_PORT, startDashboardServer } from '@parley/scheduler';
import type { Command } from 'commander';
import { parsePort } from '../options/number-options';
import { addPostedJobOptions, type PostedJobFlags, postedJobSettings } from '../options/posted-job-options';
import { waitForSignal } from './worker-command';

interface DashboardCommandOptions extends PostedJobFlags {
  host?: string;
  port: number;
  allowActions?: boolean;
}

/** `parley dashboard`: Bull Board, the iteration dashboard, the JSON API and /metrics on their own. */
export function registerDashboardCommand(program: Command): void {
  const command = program
    .command('dashboard')
    .description('Serve Bull Board, the iteration dashboard, the run API and /metrics (REDIS_URL)')
    .option(
      '--host <host>',
      'interface to listen on (default 127.0.0.1); any other needs PARLEY_DASHBOARD_* credentials',
    )
    .option('--port <port>', 'TCP port (0 picks a free one)', parsePort, DEFAULT_DASHBOARD_PORT)
    .option('--allow-actions', 'let Bull Board retry, clean, pause and remove jobs (read-only otherwise)');
  addPostedJobOptions(command).action(async (options: DashboardCommandOptions) => {
    const logger = createLogger({ name: 'dashboard' });
    const postedJobs = await postedJobSettings(options);
    const dashboard = await startDashboardServer({
      prefix: keyPrefix(),
      host: options.host ?? DEFAULT_DASHBOARD_HOST,
      port: options.port,
      allowActions: options.allowActions,
      jobsDirectory: postedJobs.jobsDirectory,
      postedJobs: postedJobs.policy,
      logger,
    });
    process.stdout.write(
      `parley dashboard: ${dashboard.url} (Bull Board at ${dashboard.url}queues/, metrics at ${dashboard.url}metrics)${dashboard.protected ? ', credentials required' : ''}\n`,
    );
    await waitForSignal();
    await dashboard.close();
    logger.flush();
  });
}
