import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseRunConfig, RunStore } from '@parley/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  acceptedLine,
  appendWorkLines,
  rejectedLine,
  writeReleaseFixture,
} from '../../../../test/support/conversation-records';
import { createRun } from '../create-run';
import { startTestDashboard, type TestDashboard } from './dashboard-test-support';

// The conversation browser, its JSON twin and the run page's rejection reasons, served by a real
// dashboard over a namespace of its own in the real Redis (deleted afterwards); the lines are
// files written as the release writer and the scheduler write them.

const SEED = path.resolve(import.meta.dirname, '../../../../seeds/parley-seed.jsonl');
const SECRET = 'sk-test-secret-value-4567';

const HOSTILE_PERSONA = '<script>alert("persona")</script>I keep bees.';
const HOSTILE_TURN = `<img src=x onerror=alert(1)> my key is ${SECRET}`;
const HOSTILE_RATIONALE = '"><svg onload=alert(2)> grounding 0.1 < 0.45';
const HOSTILE_REASON = '</td><script>alert(3)</script> grounding 0.1 < 0.45';

describe('the conversation browser', () => {
  let test: TestDashboard;
  let store: RunStore;
  let folder: string;
  const get = (route: string) => fetch(new URL(route, test.dashboard.url));
  const create = async (id: string) => {
    const config = parseRunConfig(
      `name: ${id}
seed: { path: ${SEED} }
output: { dir: ${folder} }
iterations: 2
pairs: 4
models:
  sim: { provider: simulator, model: parley-sim-1, price: { inputPerMillionTokens: 1, outputPerMillionTokens: 2 } }
generator: { model: sim }
critic: { model: sim }
`,
      `${id}.yaml`,
    );
    return createRun(store, config, { runId: id });
  };

  beforeAll(async () => {
    test = await startTestDashboard({ environment: { PARLEY_TEST_API_KEY: SECRET } });
    store = new RunStore(test.redis, test.prefix);
    folder = await mkdtemp(path.join(os.tmpdir(), 'parley-browser-route-'));
  });
  afterAll(async () => {
    await test.close();
    await rm(folder, { recursive: true, force: true });
  });

  it('renders hostile text as text, scrubs secrets, and sends the page policy with a nonce', async () => {
    const run = await create('hostile');
    await writeReleaseFixture(
      run.runFolder,
      [acceptedLine({ run: run.id, pair: 'pair-1', split: 'train', user1Persona: [HOSTILE_PERSONA] })],
      [
        {
          ...rejectedLine({
            run: run.id,
            pair: 'pair-1',
            expert: 'grounding',
            reason: HOSTILE_REASON,
            turns: [{ speaker: 'user1', text: HOSTILE_TURN }],
            split: 'train',
          }),
          verdicts: [{ expert: 'grounding', kind: 'filter', passed: false, rationale: HOSTILE_RATIONALE }],
        },
      ],
    );
    const response = await get(`/runs/${run.id}/conversations`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toMatch(/script-src 'nonce-[^']+'/);
    const page = await response.text();
    // Exactly one script: the layout's own, with its nonce.
    expect(page.match(/<script/g)).toHaveLength(1);
    expect(page).not.toContain('<img');
    expect(page).not.toContain('<svg');
    expect(page).toContain('&lt;script&gt;alert(&quot;persona&quot;)&lt;/script&gt;I keep bees.');
    expect(page).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(page).toContain('&quot;&gt;&lt;svg onload=alert(2)&gt; grounding 0.1 &lt; 0.45');
    expect(page).toContain('&lt;/td&gt;&lt;script&gt;alert(3)&lt;/script&gt;');
    expect(page).not.toContain(SECRET);
    expect(page).toContain('[REDACTED]');

    const json = (await (await get(`/api/runs/${run.id}/conversations`)).json()) as {
      source: string;
      entries: Array<{
        outcome: string;
        conversation?: { user1Persona: string[] };
        rejected?: { reason: string };
      }>;
    };
    expect(json.source).toBe('release');
    expect(json.entries.map((entry) => entry.outcome)).toEqual(['accepted', 'filtered']);
    expect(json.entries[0]?.conversation?.user1Persona).toEqual([HOSTILE_PERSONA]);
    expect(JSON.stringify(json)).not.toContain(SECRET);
  });

  it('filters and pages by query string, in the page and its JSON twin alike', async () => {
    const run = await create('filters');
    const accepted = Array.from({ length: 30 }, (_, index) =>
      acceptedLine({ run: run.id, pair: `pair-${index}`, split: 'train' }),
    );
    const rejected = Array.from({ length: 30 }, (_, index) =>
      rejectedLine({
        run: run.id,
        pair: `pair-${index}`,
        expert: index % 3 === 0 ? 'toxicity' : 'grounding',
        reason:
          index % 3 === 0
            ? 'toxic (violence): the model explains at length why this one is toxic, differently each time'
            : `grounding 0.${index} < 0.45`,
        split: 'train',
      }),
    );
    await writeReleaseFixture(run.runFolder, accepted, rejected);

    const page = await (await get(`/runs/${run.id}/conversations?outcome=rejected&expert=toxicity`)).text();
    const articles = page.match(/<article [^>]*>/g) ?? [];
    expect(articles).toHaveLength(10);
    for (const article of articles) {
      expect(article).toContain('data-outcome="filtered"');
      expect(article).toContain('data-expert="toxicity"');
    }
    // The selected filters are marked, the others are links keeping the rest of the query.
    expect(page).toContain('<b data-selected="outcome:rejected">');
    expect(page).toContain('<b data-selected="expert:toxicity">');
    expect(page).toContain(
      `href="/runs/${run.id}/conversations?outcome=accepted&amp;expert=toxicity" data-filter="outcome:accepted"`,
    );
    expect(page).not.toContain('data-link="next"');

    const first = await (await get(`/runs/${run.id}/conversations`)).text();
    expect(first.match(/<article /g)).toHaveLength(25);
    expect(first).toContain(`href="/runs/${run.id}/conversations?page=2" data-link="next"`);
    const second = await (await get(`/runs/${run.id}/conversations?page=2&pageSize=25`)).text();
    expect(second.match(/<article /g)).toHaveLength(25);
    expect(second).toContain('data-link="previous"');

    const json = (await (
      await get(`/api/runs/${run.id}/conversations?outcome=rejected&expert=grounding&pageSize=5`)
    ).json()) as { entries: Array<{ rejected: { expert: string } }>; more: boolean };
    expect(json.entries.map((entry) => entry.rejected.expert)).toEqual(Array(5).fill('grounding'));
    expect(json.more).toBe(true);
  });

  it('answers 400 for a bad query and 404 for an unknown run', async () => {
    const run = await create('bad-queries');
    const bad = await get(`/runs/${run.id}/conversations?outcome=won&page=0`);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/outcome: expected one of accepted, rejected/);
    const badJson = await get(`/api/runs/${run.id}/conversations?iteration=x`);
    expect(badJson.status).toBe(400);
    expect(await badJson.json()).toMatchObject({
      error: 'invalid query',
      problems: [{ path: 'iteration', message: 'expected an iteration number' }],
    });
    expect((await get('/runs/no-such-run/conversations')).status).toBe(404);
    expect((await get('/api/runs/no-such-run/conversations')).status).toBe(404);
    // A run without lines yet: an empty page, not an error.
    const empty = await (await get(`/runs/${run.id}/conversations`)).text();
    expect(empty).toContain('data-source="none"');
  });

  it('the run page lists the top rejection reasons per expert, linking into the browser', async () => {
    const run = await create('reasons');
    await store.setStatus(run.id, 'running', { iteration: 1 });
    await appendWorkLines(run.runFolder, 1, 'rejected', [
      rejectedLine({ run: run.id, pair: 'p1', expert: 'grounding', reason: 'grounding 0.1 < 0.45' }),
      rejectedLine({ run: run.id, pair: 'p2', expert: 'grounding', reason: 'grounding 0.3 < 0.45' }),
      rejectedLine({
        run: run.id,
        pair: 'p3',
        expert: 'structure',
        reason: 'User 2 has 1 turns, fewer than 3',
      }),
    ]);
    const page = await (await get(`/runs/${run.id}`)).text();
    expect(page).toContain('<h2>Why candidates were rejected</h2>');
    expect(page).toMatch(
      new RegExp(
        `<tr data-expert="grounding">\\s*<td><a href="/runs/${run.id}/conversations\\?outcome=rejected&amp;expert=grounding" data-link="expert-rejections">grounding</a></td>\\s*<td data-field="rejections">2</td>`,
      ),
    );
    expect(page).toContain(
      `<b data-field="count">2</b> × <a href="/runs/${run.id}/conversations?outcome=rejected&amp;expert=grounding&amp;reason=grounding+%23+%3C+%23"`,
    );
    expect(page).toContain(`href="/runs/${run.id}/conversations" data-link="conversations"`);

    // The reason link leads to exactly those candidates.
    const byReason = (await (
      await get(
        `/api/runs/${run.id}/conversations?outcome=rejected&expert=grounding&reason=grounding+%23+%3C+%23`,
      )
    ).json()) as { source: string; entries: Array<{ rejected: { pair: string } }> };
    expect(byReason.source).toBe('work');
    expect(byReason.entries.map((entry) => entry.rejected.pair)).toEqual(['p1', 'p2']);

    const reasons = (await (await get(`/api/runs/${run.id}/rejection-reasons`)).json()) as {
      source: string;
      experts: Array<{ expert: string; rejections: number }>;
    };
    expect(reasons.source).toBe('work');
    expect(reasons.experts.map((expert) => [expert.expert, expert.rejections])).toEqual([
      ['grounding', 2],
      ['structure', 1],
    ]);
  });
});
