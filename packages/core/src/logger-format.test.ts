import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, defaultLogFormat, prettyDestination, registerSecret } from './logger';

function collect(stream: PassThrough): () => string {
  let text = '';
  stream.on('data', (chunk) => {
    text += String(chunk);
  });
  return () => text;
}

describe('log formats', () => {
  it('json lines carry ISO times in UTC, not epoch milliseconds, and scrub secrets', async () => {
    const sink = new PassThrough();
    const read = collect(sink);
    registerSecret('sk-logger-format-secret-123');
    const logger = createLogger({ name: 'test', level: 'info', destination: sink });
    logger.warn({ detail: 'key sk-logger-format-secret-123' }, 'call-retried');
    await new Promise((resolve) => setImmediate(resolve));
    const line = JSON.parse(read().trim()) as { time: string; msg: string; detail: string };
    expect(line.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(line.msg).toBe('call-retried');
    expect(line.detail).toBe('key [REDACTED]');
  });

  it('pretty lines are one line each with a UTC time, the level and the message, still scrubbed', async () => {
    const sink = new PassThrough();
    const read = collect(sink);
    registerSecret('sk-logger-pretty-secret-456');
    const logger = createLogger({
      name: 'worker',
      level: 'info',
      destination: prettyDestination({ destination: sink, colorize: false }),
    });
    logger.warn({ model: 'gpt', reason: 'sk-logger-pretty-secret-456 leaked' }, 'call-retried');
    logger.info('worker-started');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const lines = read().trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} UTC\] WARN \(worker\): call-retried/);
    expect(lines[0]).toContain('[REDACTED] leaked');
    expect(lines[0]).not.toContain('sk-logger-pretty-secret-456');
    expect(lines[1]).toMatch(/INFO \(worker\): worker-started$/);
  });

  it('chooses the format from PARLEY_LOG_FORMAT, else by terminal', () => {
    expect(defaultLogFormat({ PARLEY_LOG_FORMAT: 'json' })).toBe('json');
    expect(defaultLogFormat({ PARLEY_LOG_FORMAT: 'pretty' })).toBe('pretty');
    expect(defaultLogFormat({})).toBe(process.stderr.isTTY ? 'pretty' : 'json');
  });
});
