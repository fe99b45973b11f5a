import { QUEUE_NAMES } from '@parley/core';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestDashboard, type TestDashboard } from './dashboard-test-support';
import { rawRequest } from './raw-request-test-support';

// A loopback dashboard without credentials and with Bull Board actions on: the case where any web
// page the operator visits could otherwise write through the operator's browser.
describe('the cross-site request guard', () => {
  let test: TestDashboard;
  let generate: Queue;
  let origin: string;
  beforeAll(async () => {
    test = await startTestDashboard({ allowActions: true });
    generate = new Queue(QUEUE_NAMES.generate, { connection: test.redis, prefix: test.prefix });
    origin = new URL(test.dashboard.url).origin;
  });
  afterAll(async () => {
    await generate.close();
    await test.close();
  });

  const send = (path: string, method: string, headers: Record<string, string>, body?: string) =>
    rawRequest(test.dashboard.url, path, { method, headers, body });
  const json = { 'content-type': 'application/json' };

  it('refuses a write that carries neither a same-origin Origin nor X-Parley-Request', async () => {
    const otherPort = `http://127.0.0.1:${test.dashboard.port + 1}`;
    const refused: Array<Record<string, string>> = [
      {},
      { origin: 'http://attacker.example' },
      { origin: otherPort },
      { origin: 'null' },
      { origin: `https://${new URL(origin).host}` },
      { 'x-parley-request': '0' },
      { referer: `${origin}/` },
    ];
    for (const headers of refused) {
      const response = await send('/api/runs', 'POST', { ...json, ...headers }, '{}');
      expect(response.status, JSON.stringify(headers)).toBe(403);
      expect(response.body).toMatch(/X-Parley-Request/);
    }
  });

  it('lets through a same-origin Origin or the custom header, to be judged by the route', async () => {
    const passed: Array<Record<string, string>> = [{ origin }, { 'x-parley-request': '1' }];
    for (const headers of passed) {
      const response = await send('/api/runs', 'POST', { ...json, ...headers }, '{}');
      expect(response.status, JSON.stringify(headers)).toBe(400);
      expect(response.body).toMatch(/exactly one/);
    }
    // localhost is this server's origin too when the browser addressed it so.
    const port = test.dashboard.port;
    const viaLocalhost = await send(
      '/api/runs',
      'POST',
      { ...json, host: `localhost:${port}`, origin: `http://localhost:${port}` },
      '{}',
    );
    expect(viaLocalhost.status).toBe(400);
    // Behind a TLS proxy the browser's origin is https: the proxy says so in X-Forwarded-Proto.
    const proxied = await send(
      '/api/runs',
      'POST',
      { ...json, origin: `https://${new URL(origin).host}`, 'x-forwarded-proto': 'https' },
      '{}',
    );
    expect(proxied.status).toBe(400);
  });

  it('never refuses a read', async () => {
    const read = await send('/api/runs', 'GET', { origin: 'http://attacker.example' });
    expect(read.status).toBe(200);
  });

  it('guards Bull Board actions: a cross-site pause changes nothing, a same-origin one works', async () => {
    const refused = await send('/queues/api/queues/generate/pause', 'PUT', {
      origin: 'http://attacker.example',
    });
    expect(refused.status).toBe(403);
    expect(await generate.isPaused()).toBe(false);
    const paused = await send('/queues/api/queues/generate/pause', 'PUT', { origin });
    expect(paused.status).toBe(200);
    expect(await generate.isPaused()).toBe(true);
    expect(
      (await send('/queues/api/queues/generate/resume', 'PUT', { 'x-parley-request': '1' })).status,
    ).toBe(200);
    expect(await generate.isPaused()).toBe(false);
  });

  it('refuses cross-site simple requests that would add a Bull Board job, and any non-JSON body (415)', async () => {
    const job = JSON.stringify({ name: 'intruder', data: { from: 'elsewhere' } });
    const simple: Array<[string, string]> = [
      ['text/plain', job],
      ['application/x-www-form-urlencoded', 'name=intruder&data=%7B%7D'],
      [
        'multipart/form-data; boundary=x',
        '--x\r\nContent-Disposition: form-data; name="name"\r\n\r\nintruder\r\n--x--\r\n',
      ],
    ];
    for (const [type, body] of simple) {
      const crossSite = await send(
        '/queues/api/queues/generate/add',
        'POST',
        { 'content-type': type, origin: 'http://attacker.example' },
        body,
      );
      expect(crossSite.status, type).toBe(403);
      // Even from this origin, a body that is not JSON is refused.
      const sameSite = await send(
        '/queues/api/queues/generate/add',
        'POST',
        { 'content-type': type, origin },
        body,
      );
      expect(sameSite.status, type).toBe(415);
      expect(sameSite.body).toMatch(/application\/json/);
    }
    expect(await generate.count()).toBe(0);
    // The board's own JSON request still adds a job.
    const added = await send('/queues/api/queues/generate/add', 'POST', { ...json, origin }, job);
    expect(added.status).toBe(200);
    expect(await generate.count()).toBe(1);
    await generate.obliterate({ force: true });
  });
});
