import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../main';

// Refusing to bind beyond loopback without credentials happens before anything opens, so these
// commands return at once instead of serving.
describe('parley dashboard / scheduler on a public address', () => {
  const saved = { ...process.env };
  let stderr = '';
  beforeEach(() => {
    for (const name of Object.keys(process.env))
      if (name.startsWith('PARLEY_DASHBOARD_')) delete process.env[name];
    process.env.PARLEY_NAMESPACE = 'test-dashboard-command';
    stderr = '';
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stderr += String(chunk);
      return true;
    });
  });
  afterEach(() => {
    vi.restoreAllMocks();
    process.env = { ...saved };
    process.exitCode = undefined;
  });

  it('refuses without credentials and says which variables to set', async () => {
    for (const command of ['dashboard', 'scheduler']) {
      stderr = '';
      expect(await main(['node', 'parley', command, '--host', '0.0.0.0', '--port', '0'])).toBe(2);
      expect(stderr).toContain('refusing to serve the dashboard on 0.0.0.0 without credentials');
      expect(stderr).toContain('PARLEY_DASHBOARD_TOKEN');
    }
  });

  it('refuses credentials too weak to guard a public address', async () => {
    process.env.PARLEY_DASHBOARD_TOKEN = 'short';
    expect(await main(['node', 'parley', 'dashboard', '--host', '0.0.0.0', '--port', '0'])).toBe(2);
    expect(stderr).toContain('PARLEY_DASHBOARD_TOKEN: must be at least 8 characters');
  });

  it('rejects a port out of range', async () => {
    expect(await main(['node', 'parley', 'dashboard', '--port', '70000'])).not.toBe(0);
    expect(stderr).toContain('expected a port number between 0 and 65535');
  });
});
