import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestDashboard, type TestDashboard } from './dashboard-test-support';
import { type RawRequestOptions, rawRequest } from './raw-request-test-support';

// A client's mistake is the client's: 4xx with what was wrong, never a 500.
describe('client errors', () => {
  let test: TestDashboard;
  beforeAll(async () => {
    test = await startTestDashboard({ allowActions: true });
  });
  afterAll(async () => test.close());

  const post = (path: string, body: string | Buffer, headers: Record<string, string> = {}) => {
    const options: RawRequestOptions = {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-parley-request': '1', ...headers },
      body,
    };
    return rawRequest(test.dashboard.url, path, options);
  };

  it('answers malformed JSON with 400 and the parse error, in the API and in Bull Board', async () => {
    const api = await post('/api/runs', '{"job": ');
    expect(api.status).toBe(400);
    expect(api.headers['content-type']).toMatch(/application\/json/);
    expect(JSON.parse(api.body).error).toMatch(/malformed JSON.*(JSON|Unexpected)/);
    const board = await post('/queues/api/queues/generate/add', '{"name": "x", ');
    expect(board.status).toBe(400);
    expect(board.body).toMatch(/malformed JSON/);
  });

  it('answers an oversized body with 413', async () => {
    const big = JSON.stringify({ job: 'x'.repeat(3 * 1024 * 1024) });
    const api = await post('/api/runs', big);
    expect(api.status).toBe(413);
    expect(JSON.parse(api.body).error).toMatch(/^Payload Too Large: the body is larger than the 2 MB/);
    const board = await post('/queues/api/queues/generate/add', big);
    expect(board.status).toBe(413);
  });

  it('answers a body that is not valid gzip with 400, and an unknown encoding or charset with 415', async () => {
    const badGzip = await post('/api/runs', 'this is not gzip', { 'content-encoding': 'gzip' });
    expect(badGzip.status).toBe(400);
    expect(JSON.parse(badGzip.body).error).toMatch(/gzip|compressed/i);
    const compress = await post('/api/runs', '{}', { 'content-encoding': 'compress' });
    expect(compress.status).toBe(415);
    expect(JSON.parse(compress.body).error).toMatch(/content encoding "compress"/);
    const charset = await post('/api/runs', '{}', { 'content-type': 'application/json; charset=koi8-r' });
    expect(charset.status).toBe(415);
    expect(JSON.parse(charset.body).error).toMatch(/charset/);
    // A well-formed gzip body is read as usual.
    const gzipped = await post('/api/runs', gzipSync('{}'), { 'content-encoding': 'gzip' });
    expect(gzipped.status).toBe(400);
    expect(gzipped.body).toMatch(/exactly one/);
  });

  it('answers a path with broken percent-encoding with 400 everywhere', async () => {
    for (const path of [
      '/runs/%E0%A4%A',
      '/api/runs/%E0%A4%A',
      '/api/runs/%E0%A4%A/cancel',
      '/queues/queue/%E0%A4%A',
      '/queues/api/queues/%E0%A4%A/workers',
      '/queues/static/%E0%A4%A',
      '/%',
    ]) {
      const method = path.endsWith('/cancel') ? 'POST' : 'GET';
      const response = await rawRequest(test.dashboard.url, path, {
        method,
        headers: method === 'POST' ? { 'content-type': 'application/json', 'x-parley-request': '1' } : {},
        body: method === 'POST' ? '{}' : undefined,
      });
      expect(response.status, path).toBe(400);
      expect(response.body, path).toMatch(/percent-encoding/);
    }
  });
});
