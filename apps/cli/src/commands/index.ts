import type { Command } from 'commander';
import { registerConfigCommands } from './config-command';
import { registerCriticCommands } from './critic-command';
import { registerCritiqueCommand } from './critique-command';
import { registerDashboardCommand } from './dashboard-command';
import { registerEstimateCommand } from './estimate-command';
import { registerEvalCommand } from './eval-command';
import { registerHealthCommand } from './health-command';
import { registerReleaseCommands } from './release-command';
import { registerRunCommand } from './run-command';
import { registerRunStatusCommands } from './run-status-commands';
import { registerSchedulerCommand } from './scheduler-command';
import { registerSeedsCommands } from './seeds-command';
import { registerSimulatorCommand } from './simulator-command';
import { registerWorkerCommand } from './worker-command';

/** Every `parley` sub-command, one file each. */
export function registerCommands(program: Command): void {
  registerRunCommand(program);
  registerEstimateCommand(program);
  registerRunStatusCommands(program);
  registerWorkerCommand(program);
  registerSchedulerCommand(program);
  registerDashboardCommand(program);
  registerSimulatorCommand(program);
  registerSeedsCommands(program);
  registerCriticCommands(program);
  registerCritiqueCommand(program);
  registerConfigCommands(program);
  registerEvalCommand(program);
  registerReleaseCommands(program);
  registerHealthCommand(program);
}
