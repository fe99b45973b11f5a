import path from 'node:path';
import { loadRunConfig, runConfigJsonSchema, runConfigToYaml } from '@parley/core';
import { resolveJobPaths } from '@parley/scheduler';
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
      // Paths in a job file are relative to the file: show them as a run will use them.
      const resolved = resolveJobPaths(await loadRunConfig(job), job);
      if (options.json) {
        process.stdout.write(`${JSON.stringify(resolved, null, 2)}\n`);
        return;
      }
      process.stdout.write(
        [
          `# ${job}: valid (${resolved.iterations} iterations, ${resolved.pairs} pairs)`,
          `# releases go to ${path.join(resolved.output.dir, '<run id>')} (paths are relative to the job file)`,
          '# the resolved config, every default filled in:',
          runConfigToYaml(resolved),
        ].join('\n'),
      );
    });
  config
    .command('schema')
    .description('Print the job file JSON Schema (for editor autocompletion)')
    .action(() => {
      process.stdout.write(`${JSON.stringify(runConfigJsonSchema(), null, 2)}\n`);
    });
}
