import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { QUEUE_NAMES } from '@parley/core';
import { Queue } from 'bullmq';
import type { Browser, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestDashboard, type TestDashboard } from '../../apps/scheduler/src/http/dashboard-test-support';
import { launchChromium, skipWithoutChromium } from '../support/chromium';

// A dashboard on loopback without credentials and with Bull Board actions on, and a hostile page
// served from a second loopback server (another port: another origin). The page makes the
// browser send every kind of request a page may send to another origin without asking it first.

const skip = skipWithoutChromium();
const ADD_ROUTE = `api/queues/${QUEUE_NAMES.generate}/add`;

/** The hostile page: two forms and three no-cors requests, all aimed at Bull Board's add route. */
function hostilePage(target: string): string {
  const job = (name: string) => JSON.stringify({ name, data: { from: 'another origin' } });
  // A text/plain form sends `name=value`: this name and value make the body parse as JSON.
  const [jsonName, jsonValue] = [job('form-text-plain').slice(0, -1).concat(',"x":"'), '"}'];
  return `<!doctype html><html><body>
<iframe name="sink-text"></iframe><iframe name="sink-form"></iframe>
<form id="text" method="POST" enctype="text/plain" target="sink-text" action="${target}">
  <input type="hidden" name='${jsonName}' value='${jsonValue}'>
</form>
<form id="form" method="POST" target="sink-form" action="${target}">
  <input type="hidden" name="name" value="form-urlencoded"><input type="hidden" name="data" value="{}">
</form>
<script>
  document.getElementById('text').submit();
  document.getElementById('form').submit();
  const send = (type, body) => fetch(${JSON.stringify(target)}, {
    method: 'POST', mode: 'no-cors', credentials: 'include', headers: { 'content-type': type }, body,
  });
  Promise.allSettled([
    send('text/plain', ${JSON.stringify(job('fetch-text-plain'))}),
    send('application/x-www-form-urlencoded', 'name=fetch-urlencoded&data=%7B%7D'),
    navigator.sendBeacon(${JSON.stringify(target)}, ${JSON.stringify(job('beacon'))}),
  ]).then(() => { document.title = 'sent'; });
</script>
</body></html>`;
}

describe.skipIf(skip)('cross-site requests in Chromium', () => {
  let test: TestDashboard;
  let hostile: Server;
  let hostileUrl: string;
  let browser: Browser;
  let generate: Queue;

  beforeAll(async () => {
    test = await startTestDashboard({ allowActions: true });
    generate = new Queue(QUEUE_NAMES.generate, { connection: test.redis, prefix: test.prefix });
    const target = `${test.dashboard.url}queues/${ADD_ROUTE}`;
    hostile = createServer((_request, response) => {
      response.setHeader('content-type', 'text/html; charset=utf-8');
      response.end(hostilePage(target));
    });
    await new Promise<void>((resolve) => hostile.listen(0, '127.0.0.1', resolve));
    hostileUrl = `http://127.0.0.1:${(hostile.address() as AddressInfo).port}/`;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => hostile?.close(resolve));
    await generate?.close();
    await test?.close();
  });

  it('a page on another origin cannot create a Bull Board job with actions on', async () => {
    expect(new URL(hostileUrl).origin).not.toBe(new URL(test.dashboard.url).origin);
    const context = await browser.newContext();
    const page = await context.newPage();
    // Chromium then hides some answers from the page (frames refused by X-Frame-Options, opaque
    // JSON blocked by ORB: net::ERR_BLOCKED_BY_RESPONSE, ERR_ABORTED), but the request went out and
    // its status arrived.
    const answers: Array<{ status: number; type: string }> = [];
    const record = async (request: Request) => {
      if (!request.url().endsWith(ADD_ROUTE)) return;
      const response = await request.response();
      answers.push({ status: response?.status() ?? 0, type: request.headers()['content-type'] ?? '' });
    };
    context.on('requestfinished', record);
    context.on('requestfailed', record);
    await page.goto(hostileUrl);
    await expect.poll(() => page.title()).toBe('sent');
    // Every request reached the dashboard (so the test proves something) and was refused.
    await expect.poll(() => answers.length, { timeout: 10_000 }).toBe(5);
    expect(answers.map((answer) => answer.status)).toEqual([403, 403, 403, 403, 403]);
    expect(new Set(answers.map((answer) => answer.type.split(';')[0]))).toEqual(
      new Set(['text/plain', 'application/x-www-form-urlencoded']),
    );
    const counts = await generate.getJobCounts();
    expect(Object.values(counts).reduce((sum, count) => sum + count, 0)).toBe(0);
    await context.close();
  });

  it("the dashboard's own Bull Board still pauses and resumes a queue, with actions on", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${test.dashboard.url}queues/queue/${QUEUE_NAMES.generate}`);
    await page.getByText(/No latest jobs/).waitFor();
    // The queue's menu (⋮, the last button of the page), then the confirmation dialog.
    const act = async (action: 'Pause' | 'Resume') => {
      await page.locator('button[aria-haspopup="menu"]').last().click();
      await page.getByRole('menuitem', { name: action, exact: true }).click();
      await page.getByRole('button', { name: 'Confirm' }).click();
    };
    await act('Pause');
    await expect.poll(() => generate.isPaused()).toBe(true);
    await act('Resume');
    await expect.poll(() => generate.isPaused()).toBe(false);
    await context.close();
  });

  it("Bull Board's Redis panel still opens, without the server's version", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${test.dashboard.url}queues/`);
    await page.getByText(QUEUE_NAMES.generate, { exact: true }).first().waitFor();
    // The Redis button is the first of the header's actions.
    await page.locator('ul[class*="actions"] button').first().click();
    const panel = page.locator('[class*="redisStats"]');
    await panel.getByText('Connected clients').waitFor();
    // One row per fact: `<title>: <value>`.
    const rows = await panel.locator('li').evaluateAll((items) =>
      items.map((item) =>
        // The tests compile without the DOM library: a cell is something with text.
        Array.from(
          item.children as ArrayLike<{ textContent: string | null }>,
          (cell) => cell.textContent ?? '',
        ).join(': '),
      ),
    );
    expect(rows.map((row) => row.split(':')[0])).toEqual([
      'Memory usage',
      'Peak memory usage',
      'Fragmentation ratio',
      'Connected clients',
      'Blocked clients',
      'Version',
      'Up time',
    ]);
    expect(rows).toContain('Version: hidden');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('Bull Board shows job times in UTC, like the rest of the dashboard', async () => {
    const job = await generate.add('generate', { runId: 'utc-run' }, { jobId: 'utc-run.1.pair-1.0' });
    const context = await browser.newContext({ timezoneId: 'Asia/Kolkata' });
    const page = await context.newPage();
    await page.goto(`${test.dashboard.url}queues/queue/${QUEUE_NAMES.generate}/${job.id}`);
    const added = page.locator('time').first();
    await added.waitFor();
    const shown = (await added.textContent()) ?? '';
    // The browser runs at UTC+5:30; the board still shows the UTC wall clock.
    const utc = new Date(job.timestamp).toISOString().slice(11, 19);
    expect(shown).toMatch(new RegExp(`${utc} UTC$`));
    await job.remove();
    await context.close();
  });
});
