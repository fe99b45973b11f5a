import { ConfigError, LOG_FORMATS, ParleyError } from '@parley/core';
import { Command, CommanderError, Option } from 'commander';
import { registerCommands } from './commands';
import { loadEnvironmentFiles } from './environment-files';

/** Builds the `parley` program; exported for tests. */
export function buildProgram(): Command {
  const program = new Command('parley')
    .description('Generate synthetic persona-based conversation datasets with a Generator–Critic loop')
    .version('0.1.0')
    // Before the sub-commands exist, so they inherit both: errors come back as CommanderError,
    // printed as one line (a user error is one line and exit 2, whatever the command).
    .exitOverride()
    .configureOutput({
      outputError: (message, write) =>
        write(`parley: ${message.trim().replace(/\s*\n\s*/g, ' ')} (see --help)\n`),
    })
    .addOption(
      new Option(
        '--log-format <format>',
        'log lines as json or pretty (default: pretty on a terminal; env PARLEY_LOG_FORMAT)',
      ).choices(LOG_FORMATS),
    )
    // Loggers are made inside the commands: the choice travels in the environment they read.
    .hook('preAction', (command) => {
      const format = command.opts<{ logFormat?: string }>().logFormat;
      if (format) process.env.PARLEY_LOG_FORMAT = format;
    });
  registerCommands(program);
  return program;
}

/** Runs the CLI and returns the process exit code: 0, 1 for a run that failed, 2 for a user error. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    loadEnvironmentFiles();
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    // Help and version end in a CommanderError too (exitOverride), with exit code 0.
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    // Expected failures get one clear message, not a stack trace.
    if (error instanceof ConfigError || error instanceof ParleyError) {
      process.stderr.write(`parley: ${error.message}\n`);
      return 2;
    }
    process.stderr.write(`parley: unexpected error: ${(error as Error)?.stack ?? String(error)}\n`);
    return 1;
  }
}
