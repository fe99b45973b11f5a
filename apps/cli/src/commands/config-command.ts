import { loadRunConfig, runConfigJsonSchema } from '@parley/core';
import type { Command } from 'commander';

/** `parley config check JOB` and `parley config schema`. */
export function registerConfigCommands(program: Command): void {
  const config = program.command('config').description('Validate job files and export their JSON Schema');
  config
    .command('check')
    .argument('<job>', 'job file (YAML or JSON)')
    .description('Validate a job file and print the resolved config with defaults')
    .option('--json', 'print the resolved config as JSON')
    .action(async (job: string, options: { json?: boolean }) => {
      const resolved = await loadRunConfig(job);
      if (options.json) process.stdout.write(`${JSON.stringify(resolved, null, 2)}\n`);
      else
        process.stdout.write(`${job}: valid (${resolved.iterations} iterations, ${resolved.pairs} pairs)\n`);
    });
  config
    .command('schema')
    .description('Print the job file JSON Schema (for editor autocompletion)')
    .action(() => {
      process.stdout.write(`${JSON.stringify(runConfigJsonSchema(), null, 2)}\n`);
    });
}
