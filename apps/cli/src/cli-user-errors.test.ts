import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type CapturedOutput, captureOutput } from '../../../test/support/captured-output';
import { deleteNamespace } from '../../../test/support/redis-namespace';
import { main } from './main';

// Every user error — an unknown flag or command, a bad flag value, a missing argument, a file
// that does not exist, a run id that names no run — is one line on standard error and exit 2,
// never a stack trace. Each case returns before anything starts serving or working.
const MISSING = '/nonexistent-parley-test/x';

const CASES: Array<{ argv: string[]; says: RegExp }> = [
  // Unknown flags, every command.
  ...[
    ['run', 'job.yaml'],
    ['status', 'r'],
    ['runs'],
    ['cancel', 'r'],
    ['worker'],
    ['scheduler'],
    ['dashboard'],
    ['simulator'],
    ['seeds', 'inspect', 'x.csv'],
    ['critic', 'score', 'x.csv'],
    ['config', 'check', 'x.yaml'],
    ['config', 'schema'],
    ['eval', 'x'],
    ['health'],
    ['critique', 'x', '--job', 'x.yaml'],
    ['estimate', 'x.yaml'],
  ].map((argv) => ({ argv: [...argv, '--no-such-flag'], says: /unknown option '--no-such-flag'/ })),
  { argv: ['frobnicate'], says: /unknown command 'frobnicate'/ },
  { argv: ['status'], says: /missing required argument 'run'/ },
  // Bad flag values.
  { argv: ['runs', '--limit', 'many'], says: /--limit/ },
  { argv: ['worker', '--concurrency', '0'], says: /--concurrency/ },
  { argv: ['dashboard', '--port', '70000'], says: /--port/ },
  { argv: ['--log-format', 'xml', 'runs'], says: /--log-format/ },
  // Files that do not exist.
  { argv: ['run', `${MISSING}.yaml`], says: /x\.yaml/ },
  { argv: ['run', '--detach', `${MISSING}.yaml`], says: /x\.yaml/ },
  { argv: ['config', 'check', `${MISSING}.yaml`], says: /x\.yaml/ },
  { argv: ['estimate', `${MISSING}.yaml`], says: /x\.yaml/ },
  { argv: ['run', '--dry-run', `${MISSING}.yaml`], says: /x\.yaml/ },
  { argv: ['seeds', 'inspect', `${MISSING}.csv`], says: /x\.csv/ },
  { argv: ['critic', 'score', `${MISSING}.csv`], says: /x\.csv/ },
  { argv: ['eval', MISSING, '--offline-only'], says: /nonexistent-parley-test/ },
  { argv: ['dashboard', '--port', '0', '--model-allowlist', `${MISSING}.yaml`], says: /model allow-list/ },
  { argv: ['health', '--heartbeat', MISSING], says: /no heartbeat/ },
  { argv: ['critique', MISSING, '--job', `${MISSING}.yaml`], says: /no such release folder/ },
  { argv: ['critique', 'x'], says: /required option '--job/ },
  // Run ids that name no run.
  { argv: ['status', 'no-such-run'], says: /no run no-such-run/ },
  { argv: ['status', 'no-such-run', '--follow'], says: /no run no-such-run/ },
  { argv: ['cancel', 'no-such-run'], says: /no run no-such-run/ },
  {
    argv: ['critique', 'no-such-run', '--job', 'x.yaml'],
    says: /no-such-run: is neither a release folder nor a run id/,
  },
];

describe('every CLI user error is one line and exit 2', () => {
  const namespace = `test-cli-errors-${randomUUID().slice(0, 8)}`;
  const saved = { ...process.env };
  let output: CapturedOutput;
  beforeAll(() => {
    process.env.PARLEY_NAMESPACE = namespace;
  });
  afterAll(async () => {
    process.env = { ...saved };
    await deleteNamespace(namespace);
  });
  afterEach(() => {
    vi.restoreAllMocks();
    process.exitCode = undefined;
  });

  for (const { argv, says } of CASES) {
    it(`parley ${argv.join(' ')}`, async () => {
      output = captureOutput();
      const code = await main(['node', 'parley', ...argv]);
      expect({ code, stderr: output.stderr }).toMatchObject({ code: 2 });
      const lines = output.stderr.trimEnd().split('\n');
      expect(lines, output.stderr).toHaveLength(1);
      // `parley: <message>`, or `file:line: reason` for bad input, as compilers print it.
      expect(lines[0]).toMatch(/^(parley: |\/\S+: )/);
      expect(lines[0]).toMatch(says);
      expect(output.stderr).not.toMatch(/unexpected error|\n\s+at /);
      expect(output.stdout).toBe('');
    });
  }

  it('help and version are not errors', async () => {
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    expect(await main(['node', 'parley', '--version'])).toBe(0);
    expect(await main(['node', 'parley', 'run', '--help'])).toBe(0);
  });
});
