import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import type { SimulatorOptions, SimulatorStats } from '@parley/simulator';
import { BENCH_ROOT } from './bench-paths';
import { nodeArguments, stopChild } from './child-processes';

/** The LLM simulator in a process of its own. */
export interface SimulatorProcess {
  url: string;
  /** `url + '/v1'`, the OpenAI SDK's base URL. */
  openaiBaseURL: string;
  pid: number;
  /** `GET /stats`. */
  stats(): Promise<SimulatorStats>;
  close(): Promise<void>;
}

/** Starts the simulator in a child process; `profileDir` adds `--cpu-prof` writing there. */
export async function startSimulatorProcess(
  options: SimulatorOptions,
  profileDir?: string,
): Promise<SimulatorProcess> {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      ...nodeArguments(profileDir, 'simulator'),
      '--import',
      'tsx',
      path.join(BENCH_ROOT, 'support/simulator-main.ts'),
      JSON.stringify(options),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let buffer = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      const line = buffer.split('\n')[0];
      if (buffer.includes('\n') && line) resolve((JSON.parse(line) as { url: string }).url);
    });
    child.once('exit', (code) =>
      reject(new Error(`the simulator process exited (${code}) before it listened`)),
    );
  });
  return {
    url,
    openaiBaseURL: `${url}/v1`,
    pid: child.pid!,
    async stats() {
      const response = await fetch(`${url}/stats`);
      return (await response.json()) as SimulatorStats;
    },
    close: () => stopChild(child),
  };
}
