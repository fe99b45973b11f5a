import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestDashboard, type TestDashboard } from './dashboard-test-support';
import { rawRequest } from './raw-request-test-support';

describe('response headers', () => {
  let test: TestDashboard;
  beforeAll(async () => {
    test = await startTestDashboard();
  });
  afterAll(async () => test.close());

  it('give a refreshed fragment a policy of its own that runs nothing', async () => {
    const fragment = await rawRequest(test.dashboard.url, '/?fragment=1');
    expect(fragment.status).toBe(200);
    expect(fragment.body).toMatch(/^<main id="content"/);
    const policy = String(fragment.headers['content-security-policy']);
    expect(policy).toMatch(/(^|; )default-src 'none'(;|$)/);
    expect(policy).toMatch(/frame-ancestors 'none'/);
    expect(policy).not.toMatch(/script-src/);
    // The whole page keeps its nonce policy.
    const page = await rawRequest(test.dashboard.url, '/');
    expect(String(page.headers['content-security-policy'])).toMatch(/script-src 'nonce-/);
  });

  it('never name the server software, on any route of the app or of Bull Board', async () => {
    const requests: Array<[string, string]> = [
      ['GET', '/'],
      ['GET', '/?fragment=1'],
      ['GET', '/runs/no-such-run'],
      ['GET', '/api/runs'],
      ['GET', '/metrics'],
      ['GET', '/nothing-here'],
      ['GET', '/queues/'],
      ['GET', '/queues/queue/generate'],
      ['GET', '/queues/api/queues'],
      ['GET', '/queues/api/redis/stats'],
      ['GET', '/queues/api/queues/no-such-queue/workers'],
      ['GET', '/queues/static/favicon-32x32.png'],
      ['GET', '/queues/static/images/logo.svg'],
      ['GET', '/queues/static/no-such-file.js'],
      ['GET', '/queues/no/such/page'],
      ['PUT', '/queues/api/queues/generate/pause'],
      ['HEAD', '/queues/'],
    ];
    for (const [method, path] of requests) {
      const response = await rawRequest(test.dashboard.url, path, {
        method,
        headers: { 'x-parley-request': '1' },
      });
      expect(response.status, `${method} ${path}`).toBeLessThan(500);
      expect(response.headers['x-powered-by'], `${method} ${path}`).toBeUndefined();
    }
  });
});
