import type { Command } from 'commander';
import { registerConfigCommands } from './config-command';

/** Every `parley` sub-command, one file each. */
export function registerCommands(program: Command): void {
  registerConfigCommands(program);
}
