import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LastWarning } from './last-warning';
import { RunLog } from './run-log';

const folders: string[] = [];
afterAll(async () => {
  for (const folder of folders) await rm(folder, { recursive: true, force: true });
});

describe('LastWarning', () => {
  it('keeps the last warning or error as stage, message and as much detail as fits', () => {
    const last = new LastWarning();
    last.observe('{"level":30,"msg":"run-started"}\n');
    expect(last.text).toBeUndefined();
    last.observe(
      `${JSON.stringify({ level: 40, stage: 'critique:toxicity', msg: 'llm call failed, retrying', err: { message: 'HTTP 429:\n Rate limit reached' } })}\n`,
    );
    expect(last.text).toBe('critique:toxicity: llm call failed, retrying: HTTP 429: Rate limit reached');
    last.observe(
      `${JSON.stringify({ level: 50, msg: 'structured output rejected', reason: 'y'.repeat(300) })}\n`,
    );
    expect(last.text).toMatch(/^structured output rejected: y+…$/);
    expect(last.text!.length).toBe(80);
    last.observe('not json, "level":40\n');
    expect(last.text).toMatch(/^structured output rejected/);
  });
});

describe('RunLog', () => {
  it('sends lines to the file once told, pretty and without colour, and notes the last warning', async () => {
    const folder = await mkdtemp(path.join(os.tmpdir(), 'parley-run-log-'));
    folders.push(folder);
    const file = path.join(folder, 'work', 'parley.log');
    const log = new RunLog({ level: 'info', format: 'pretty' });
    await log.toFile(file);
    expect(log.filePath).toBe(file);
    log.logger.warn({ stage: 'generate', reason: 'not valid JSON' }, 'structured output rejected');
    log.logger.info('iteration-started');
    await log.close();
    const text = await readFile(file, 'utf8');
    expect(text).toMatch(
      /^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} UTC\] WARN \(parley\): structured output rejected/m,
    );
    expect(text).toContain('INFO (parley): iteration-started');
    expect(text).not.toContain('\u001b[');
    expect(log.lastWarning.text).toBe('generate: structured output rejected: not valid JSON');
  });

  it('writes JSON lines to the file when JSON was chosen', async () => {
    const folder = await mkdtemp(path.join(os.tmpdir(), 'parley-run-log-'));
    folders.push(folder);
    const file = path.join(folder, 'parley.log');
    const log = new RunLog({ level: 'warn', format: 'json' });
    await log.toFile(file);
    log.logger.warn({ apiKey: 'sk-should-not-appear' }, 'careful');
    await log.close();
    const [line] = (await readFile(file, 'utf8')).trim().split('\n');
    expect(JSON.parse(line!)).toMatchObject({ level: 40, msg: 'careful', apiKey: '[REDACTED]' });
  });
});
