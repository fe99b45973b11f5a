import { vi } from 'vitest';

/** What a test's code wrote to stdout and stderr; assign '' to either to start it afresh. */
export interface CapturedOutput {
  stdout: string;
  stderr: string;
}

/**
 * Catches what is written to process.stdout and process.stderr (nothing reaches the terminal)
 * until `vi.restoreAllMocks()`.
 */
export function captureOutput(): CapturedOutput {
  const output: CapturedOutput = { stdout: '', stderr: '' };
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    output.stdout += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    output.stderr += String(chunk);
    return true;
  });
  return output;
}
