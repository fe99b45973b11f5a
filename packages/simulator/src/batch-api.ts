import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { hashString, type SimulatorBatch, uniformFrom } from '@parley/core';
import { handleAnthropicMessages } from './anthropic-handlers';
import { hashBodyTwice } from './body-hashes';
import type { ModelRequestContext } from './model-request-context';
import { handleOpenaiChat } from './openai-handlers';
import type { PromptCache } from './prompt-cache';
import { type ProviderFlavour, ProviderHttpError, providerErrorBody } from './provider-errors';
import { readRequestBody } from './read-request-body';
import { SchemaError } from './schema-value-generator';

/** What the Batch APIs need from the simulator to answer a line as the synchronous route would. */
export interface BatchApiDependencies {
  context: Omit<ModelRequestContext, 'requestHash' | 'requestId' | 'now'>;
  settings: SimulatorBatch;
  promptCache?: PromptCache;
  /** @defaultValue Date.now */
  now?: () => number;
}

/** Counts of what the Batch APIs received and answered (`GET /batch-stats`). */
export interface BatchStats {
  filesUploaded: number;
  /** Batches created, by vendor: a client that submits one batch twice shows here. */
  batchesCreated: { openai: number; anthropic: number };
  linesSubmitted: number;
  linesSucceeded: number;
  linesErrored: number;
  linesExpired: number;
  linesCanceled: number;
  /** Batches refused for a full queue (`maxEnqueuedLines`): OpenAI ones failed, Anthropic ones 429. */
  batchesRefused: number;
}

type LineOutcome =
  | { kind: 'succeeded'; body: unknown }
  | { kind: 'errored'; status: number; body: unknown }
  | { kind: 'expired' | 'canceled' };

interface BatchLine {
  customId: string;
  body: unknown;
}

interface StoredBatch {
  vendor: ProviderFlavour;
  id: string;
  createdAtMs: number;
  lines: BatchLine[];
  metadata: Record<string, string> | null;
  inputFileId?: string;
  endpoint?: string;
  cancelledAtMs?: number;
  /** Set when the batch ends: one outcome per line, in order. */
  outcomes?: LineOutcome[];
  outputFileId?: string | null;
  errorFileId?: string | null;
  /** An OpenAI batch refused for a full queue: it ends `failed` with this error and no lines run. */
  failure?: { code: string; message: string };
}

interface StoredFile {
  id: string;
  filename: string;
  purpose: string;
  content: string;
  createdAt: number;
}

const OPENAI_ROUTE = '/v1/chat/completions';
const ANTHROPIC_ROUTE = '/v1/messages';
const WINDOW_MS = 24 * 60 * 60 * 1000;
const MAX_BODY_BYTES = 200 * 1024 * 1024;
// Draw kinds of a line's fate, apart from the synchronous route's fault kinds.
const DRAW_FATE = 101;

/**
 * The OpenAI Batch API (`/v1/files`, `/v1/batches`, output and error files in JSONL, `custom_id`,
 * `metadata`) and Anthropic's Message Batches (`/v1/messages/batches`, `results_url` in JSONL),
 * in memory. A batch runs `completionDelayMs`, then every line is answered by the synchronous
 * handler with the request hash the synchronous call would have, so its content is the same;
 * `errorRate` and `expiryRate` make some lines fail or expire, drawn per submission of a line.
 */
export class SimulatorBatchApi {
  private readonly files = new Map<string, StoredFile>();
  private readonly batches = new Map<string, StoredBatch>();
  /** Times each line (route and body) was submitted, so that a resubmission draws a new fate. */
  private readonly submissions = new Map<string, number>();
  private readonly now: () => number;
  private sequence = 0;
  // Vendor ids are unique across an account's lifetime; a fresh tag per simulator keeps two
  // simulators (a restart, another test) from handing out the same batch id.
  private readonly instanceTag = randomBytes(4).toString('hex');
  readonly stats: BatchStats = emptyStats();

  constructor(private readonly dependencies: BatchApiDependencies) {
    this.now = dependencies.now ?? Date.now;
  }

  /** True for the paths this API answers (with or without `/v1`). */
  serves(path: string): boolean {
    const normal = normalise(path);
    return (
      normal === '/batch-stats' ||
      normal === '/v1/files' ||
      normal.startsWith('/v1/files/') ||
      normal === '/v1/batches' ||
      normal.startsWith('/v1/batches/') ||
      normal === '/v1/messages/batches' ||
      normal.startsWith('/v1/messages/batches/')
    );
  }

  resetStats(): void {
    Object.assign(this.stats, emptyStats());
  }

  handle(request: IncomingMessage, response: ServerResponse, path: string, origin: string): void {
    const method = request.method ?? 'GET';
    const normal = normalise(path);
    const flavour: ProviderFlavour = normal.startsWith('/v1/messages') ? 'anthropic' : 'openai';
    const query = new URL(request.url ?? '/', 'http://simulator').searchParams;
    readRequestBody(request, MAX_BODY_BYTES, (error, body) => {
      if (error) {
        send(response, {
          status: 413,
          json: providerErrorBody(flavour, 413, `Cannot read the request body: ${error.message}`),
        });
        return;
      }
      try {
        const reply = this.route(method, normal, body, query, request.headers['content-type'] ?? '', origin);
        void Promise.resolve(reply)
          .then((answer) => send(response, answer))
          .catch((failure: unknown) => send(response, failureReply(flavour, failure)));
      } catch (failure) {
        send(response, failureReply(flavour, failure));
      }
    });
  }

  private route(
    method: string,
    path: string,
    body: Buffer,
    query: URLSearchParams,
    contentType: string,
    origin: string,
  ): Reply | Promise<Reply> {
    if (method === 'GET' && path === '/batch-stats') return ok(this.stats);
    const parts = path.split('/').filter(Boolean); // ['v1', 'files', id, 'content']
    if (parts[1] === 'files') {
      if (method === 'POST' && parts.length === 2) {
        return this.uploadFile(body, contentType).then(
          (file): Reply => ({ status: 200, json: fileView(file) }),
          (error: unknown): Reply => ({
            status: 400,
            json: providerErrorBody('openai', 400, (error as Error).message),
          }),
        );
      }
      const file = this.files.get(parts[2] ?? '');
      if (!file) throw new ProviderHttpError(404, `No such File object: ${parts[2]}`);
      if (method === 'GET' && parts.length === 3) return ok(fileView(file));
      if (method === 'GET' && parts[3] === 'content')
        return { status: 200, text: file.content, contentType: 'application/jsonl' };
      throw new ProviderHttpError(405, `${method} is not allowed on ${path}`);
    }
    if (parts[1] === 'batches') {
      if (parts.length === 2) {
        if (method === 'POST') return ok(this.openaiView(this.createOpenai(body)));
        if (method === 'GET') return ok(this.openaiList(query));
      }
      const batch = this.batchOf(parts[2], 'openai');
      if (method === 'GET' && parts.length === 3) return ok(this.openaiView(batch));
      if (method === 'POST' && parts[3] === 'cancel') {
        batch.cancelledAtMs ??= this.now();
        return ok(this.openaiView(batch));
      }
      throw new ProviderHttpError(405, `${method} is not allowed on ${path}`);
    }
    // /v1/messages/batches...
    if (parts.length === 3) {
      if (method === 'POST') return ok(this.anthropicView(this.createAnthropic(body), origin));
      if (method === 'GET') return ok(this.anthropicList(query, origin));
    }
    const batch = this.batchOf(parts[3], 'anthropic');
    if (method === 'GET' && parts.length === 4) return ok(this.anthropicView(batch, origin));
    if (method === 'POST' && parts[4] === 'cancel') {
      batch.cancelledAtMs ??= this.now();
      return ok(this.anthropicView(batch, origin));
    }
    if (method === 'GET' && parts[4] === 'results') {
      const outcomes = this.settle(batch);
      if (!outcomes) throw new ProviderHttpError(400, `Batch ${batch.id} has not ended yet`);
      const lines = batch.lines.map((line, index) =>
        JSON.stringify({ custom_id: line.customId, result: anthropicResult(outcomes[index]!) }),
      );
      return { status: 200, text: `${lines.join('\n')}\n`, contentType: 'application/binary' };
    }
    throw new ProviderHttpError(405, `${method} is not allowed on ${path}`);
  }

  private async uploadFile(body: Buffer, contentType: string): Promise<StoredFile> {
    if (!contentType.startsWith('multipart/form-data')) {
      throw new Error('Expected a multipart/form-data upload with the fields purpose and file');
    }
    const form = await new Request('http://simulator/upload', {
      method: 'POST',
      headers: { 'content-type': contentType },
      body,
    }).formData();
    const file = form.get('file');
    const purpose = form.get('purpose');
    if (typeof purpose !== 'string' || !file || typeof file === 'string') {
      throw new Error("Missing the field 'file' or 'purpose'");
    }
    const stored: StoredFile = {
      id: `file-sim${this.nextId()}`,
      filename: file.name || 'upload.jsonl',
      purpose,
      content: await file.text(),
      createdAt: Math.floor(this.now() / 1000),
    };
    this.files.set(stored.id, stored);
    this.stats.filesUploaded++;
    return stored;
  }

  private createOpenai(body: Buffer): StoredBatch {
    const request = parseJson(body) as {
      input_file_id?: unknown;
      endpoint?: unknown;
      completion_window?: unknown;
      metadata?: unknown;
    };
    if (request.endpoint !== OPENAI_ROUTE) {
      throw new ProviderHttpError(400, `endpoint: the simulator batches ${OPENAI_ROUTE} only`);
    }
    if (request.completion_window !== '24h')
      throw new ProviderHttpError(400, "completion_window: expected '24h'");
    const file = this.files.get(String(request.input_file_id));
    if (!file)
      throw new ProviderHttpError(400, `input_file_id: no such file ${String(request.input_file_id)}`);
    const lines = file.content
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line, index): BatchLine => {
        const parsed = JSON.parse(line) as {
          custom_id?: unknown;
          method?: unknown;
          url?: unknown;
          body?: unknown;
        };
        if (typeof parsed.custom_id !== 'string' || parsed.url !== OPENAI_ROUTE || parsed.method !== 'POST') {
          throw new ProviderHttpError(
            400,
            `line ${index + 1}: expected custom_id, method POST and url ${OPENAI_ROUTE}`,
          );
        }
        return { customId: parsed.custom_id, body: parsed.body };
      });
    const batch: StoredBatch = {
      vendor: 'openai',
      id: `batch_sim${this.instanceTag}${this.nextId()}`,
      createdAtMs: this.now(),
      lines: uniqueIds(lines),
      metadata: isStringRecord(request.metadata) ? request.metadata : null,
      inputFileId: file.id,
      endpoint: OPENAI_ROUTE,
    };
    if (this.queueIsFull('openai', lines.length)) {
      // As OpenAI does: the batch is created, then fails validation against the queue limit.
      batch.failure = {
        code: 'token_limit_exceeded',
        message: `Enqueued token limit reached for this model (simulated: at most ${this.dependencies.settings.maxEnqueuedLines} lines in unfinished batches). Please try again once some in_progress batches have been completed.`,
      };
      this.stats.batchesRefused++;
    }
    return this.store(batch);
  }

  private createAnthropic(body: Buffer): StoredBatch {
    const request = parseJson(body) as { requests?: unknown };
    if (!Array.isArray(request.requests) || request.requests.length === 0) {
      throw new ProviderHttpError(400, 'requests: expected a non-empty array');
    }
    const lines = request.requests.map((entry: unknown, index): BatchLine => {
      const line = entry as { custom_id?: unknown; params?: unknown };
      if (typeof line.custom_id !== 'string' || !/^[a-zA-Z0-9_-]{1,64}$/.test(line.custom_id)) {
        throw new ProviderHttpError(
          400,
          `requests.${index}.custom_id: expected 1-64 characters of a-z, A-Z, 0-9, _ or -`,
        );
      }
      return { customId: line.custom_id, body: line.params };
    });
    if (this.queueIsFull('anthropic', lines.length)) {
      this.stats.batchesRefused++;
      throw new ProviderHttpError(
        429,
        `Number of batch requests in the processing queue exceeds your limit (simulated: ${this.dependencies.settings.maxEnqueuedLines}).`,
      );
    }
    return this.store({
      vendor: 'anthropic',
      id: `msgbatch_sim${this.instanceTag}${this.nextId()}`,
      createdAtMs: this.now(),
      lines: uniqueIds(lines),
      metadata: null,
    });
  }

  private store(batch: StoredBatch): StoredBatch {
    this.batches.set(batch.id, batch);
    this.stats.batchesCreated[batch.vendor]++;
    // A refused batch runs none of its lines.
    if (!batch.failure) this.stats.linesSubmitted += batch.lines.length;
    return batch;
  }

  /** Whether `adding` more lines would pass `maxEnqueuedLines` for the vendor's unfinished batches. */
  private queueIsFull(vendor: ProviderFlavour, adding: number): boolean {
    const limit = this.dependencies.settings.maxEnqueuedLines;
    if (limit === 0) return false;
    let enqueued = 0;
    for (const batch of this.batches.values()) {
      if (batch.vendor === vendor && !batch.failure && !this.settle(batch)) enqueued += batch.lines.length;
    }
    return enqueued + adding > limit;
  }

  private batchOf(id: string | undefined, vendor: ProviderFlavour): StoredBatch {
    const batch = this.batches.get(id ?? '');
    if (!batch || batch.vendor !== vendor) throw new ProviderHttpError(404, `No such batch: ${id}`);
    return batch;
  }

  /** The outcomes once the batch has ended (its delay passed, or it was cancelled), else undefined. */
  private settle(batch: StoredBatch): LineOutcome[] | undefined {
    if (batch.outcomes) return batch.outcomes;
    if (batch.failure) return undefined;
    const ended = this.now() >= batch.createdAtMs + this.dependencies.settings.completionDelayMs;
    if (!ended && batch.cancelledAtMs === undefined) return undefined;
    const route = batch.vendor === 'openai' ? OPENAI_ROUTE : ANTHROPIC_ROUTE;
    batch.outcomes = batch.lines.map((line) => (ended ? this.answer(route, line) : { kind: 'canceled' }));
    for (const outcome of batch.outcomes) {
      if (outcome.kind === 'succeeded') this.stats.linesSucceeded++;
      else if (outcome.kind === 'errored') this.stats.linesErrored++;
      else if (outcome.kind === 'expired') this.stats.linesExpired++;
      else this.stats.linesCanceled++;
    }
    if (batch.vendor === 'openai') this.writeResultFiles(batch, batch.outcomes);
    return batch.outcomes;
  }

  /** One line, answered as `POST route` with this body would be (same hash, same content). */
  private answer(route: string, line: BatchLine): LineOutcome {
    const raw = JSON.stringify(line.body);
    const flavour: ProviderFlavour = route === OPENAI_ROUTE ? 'openai' : 'anthropic';
    const [low, high] = hashBodyTwice(raw, hashString(`POST ${route}`), 0x2545f491);
    const key = `${route} ${low} ${high}`;
    const submission = this.submissions.get(key) ?? 0;
    this.submissions.set(key, submission + 1);
    const { errorRate, expiryRate } = this.dependencies.settings;
    const fate = uniformFrom(this.dependencies.context.seed, low, high, submission, DRAW_FATE);
    if (fate < expiryRate) return { kind: 'expired' };
    if (fate < expiryRate + errorRate) {
      return {
        kind: 'errored',
        status: 500,
        body: providerErrorBody(
          flavour,
          500,
          'The server had an error while processing this request (simulated).',
        ),
      };
    }
    try {
      const handle = route === OPENAI_ROUTE ? handleOpenaiChat : handleAnthropicMessages;
      const result = handle(line.body, {
        ...this.dependencies.context,
        requestHash: low,
        requestId: `b${this.nextId()}`,
        now: Math.floor(this.now() / 1000),
      });
      const body = this.dependencies.promptCache?.report(flavour, line.body, result.body) ?? result.body;
      return { kind: 'succeeded', body };
    } catch (error) {
      const status =
        error instanceof ProviderHttpError ? error.status : error instanceof SchemaError ? 400 : 500;
      return {
        kind: 'errored',
        status,
        body: providerErrorBody(flavour, status, error instanceof Error ? error.message : String(error)),
      };
    }
  }

  /** OpenAI's output file (answers) and error file (errors and expired lines), as JSONL files. */
  private writeResultFiles(batch: StoredBatch, outcomes: LineOutcome[]): void {
    const output: string[] = [];
    const errors: string[] = [];
    batch.lines.forEach((line, index) => {
      const outcome = outcomes[index]!;
      const id = `batch_req_sim${this.nextId()}`;
      if (outcome.kind === 'succeeded') {
        output.push(
          JSON.stringify({
            id,
            custom_id: line.customId,
            response: { status_code: 200, request_id: `req_${id}`, body: outcome.body },
            error: null,
          }),
        );
      } else if (outcome.kind === 'errored') {
        errors.push(
          JSON.stringify({
            id,
            custom_id: line.customId,
            response: { status_code: outcome.status, request_id: `req_${id}`, body: outcome.body },
            error: null,
          }),
        );
      } else {
        const code = outcome.kind === 'expired' ? 'batch_expired' : 'batch_cancelled';
        const message =
          outcome.kind === 'expired'
            ? 'This request could not be executed before the completion window expired.'
            : 'This request was not executed because the batch was cancelled.';
        errors.push(
          JSON.stringify({ id, custom_id: line.customId, response: null, error: { code, message } }),
        );
      }
    });
    const save = (lines: string[], name: string): string | null => {
      if (lines.length === 0) return null;
      const file: StoredFile = {
        id: `file-sim${this.nextId()}`,
        filename: `${batch.id}_${name}.jsonl`,
        purpose: 'batch_output',
        content: `${lines.join('\n')}\n`,
        createdAt: Math.floor(this.now() / 1000),
      };
      this.files.set(file.id, file);
      return file.id;
    };
    batch.outputFileId = save(output, 'output');
    batch.errorFileId = save(errors, 'error');
  }

  private openaiView(batch: StoredBatch): Record<string, unknown> {
    const outcomes = this.settle(batch);
    const seconds = (ms: number | undefined) => (ms === undefined ? null : Math.floor(ms / 1000));
    const created = seconds(batch.createdAtMs)!;
    const counts = countOutcomes(outcomes, batch.lines.length);
    const expired = (outcomes ?? []).some((outcome) => outcome.kind === 'expired');
    const status = batch.failure
      ? 'failed'
      : !outcomes
        ? batch.cancelledAtMs !== undefined
          ? 'cancelling'
          : 'in_progress'
        : batch.cancelledAtMs !== undefined && counts.canceled > 0
          ? 'cancelled'
          : expired
            ? 'expired'
            : 'completed';
    const endedAt = outcomes
      ? seconds(batch.createdAtMs + this.dependencies.settings.completionDelayMs)
      : null;
    return {
      id: batch.id,
      object: 'batch',
      endpoint: batch.endpoint,
      errors: batch.failure
        ? { object: 'list', data: [{ ...batch.failure, line: null, param: null }] }
        : null,
      input_file_id: batch.inputFileId,
      completion_window: '24h',
      status,
      output_file_id: batch.outputFileId ?? null,
      error_file_id: batch.errorFileId ?? null,
      created_at: created,
      in_progress_at: created,
      expires_at: seconds(batch.createdAtMs + WINDOW_MS),
      finalizing_at: endedAt,
      completed_at: status === 'completed' ? endedAt : null,
      failed_at: batch.failure ? created : null,
      expired_at: status === 'expired' ? endedAt : null,
      cancelling_at: seconds(batch.cancelledAtMs),
      cancelled_at: status === 'cancelled' ? seconds(batch.cancelledAtMs) : null,
      request_counts: {
        total: batch.lines.length,
        completed: counts.succeeded,
        failed: counts.errored + counts.expired + counts.canceled,
      },
      metadata: batch.metadata,
    };
  }

  private anthropicView(batch: StoredBatch, origin: string): Record<string, unknown> {
    const outcomes = this.settle(batch);
    const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());
    const counts = countOutcomes(outcomes, batch.lines.length);
    return {
      id: batch.id,
      type: 'message_batch',
      processing_status: outcomes ? 'ended' : batch.cancelledAtMs !== undefined ? 'canceling' : 'in_progress',
      request_counts: {
        processing: outcomes ? 0 : batch.lines.length,
        succeeded: counts.succeeded,
        errored: counts.errored,
        canceled: counts.canceled,
        expired: counts.expired,
      },
      ended_at: outcomes
        ? iso(Math.min(this.now(), batch.createdAtMs + this.dependencies.settings.completionDelayMs))
        : null,
      created_at: iso(batch.createdAtMs),
      expires_at: iso(batch.createdAtMs + WINDOW_MS),
      archived_at: null,
      cancel_initiated_at: iso(batch.cancelledAtMs),
      results_url: outcomes ? `${origin}/v1/messages/batches/${batch.id}/results` : null,
    };
  }

  /** Newest first, `limit` (default 20) after the id `after`, as OpenAI lists batches. */
  private openaiList(query: URLSearchParams): Record<string, unknown> {
    const page = this.page('openai', query.get('limit'), query.get('after'));
    const data = page.items.map((batch) => this.openaiView(batch));
    return {
      object: 'list',
      data,
      first_id: data[0]?.['id'] ?? null,
      last_id: data.at(-1)?.['id'] ?? null,
      has_more: page.hasMore,
    };
  }

  private anthropicList(query: URLSearchParams, origin: string): Record<string, unknown> {
    const page = this.page('anthropic', query.get('limit'), query.get('after_id'));
    const data = page.items.map((batch) => this.anthropicView(batch, origin));
    return {
      data,
      first_id: data[0]?.['id'] ?? null,
      last_id: data.at(-1)?.['id'] ?? null,
      has_more: page.hasMore,
    };
  }

  private page(vendor: ProviderFlavour, limitText: string | null, after: string | null) {
    const limit = Math.min(Math.max(Number(limitText ?? 20) || 20, 1), 1000);
    const all = [...this.batches.values()].filter((batch) => batch.vendor === vendor).reverse();
    const start = after ? all.findIndex((batch) => batch.id === after) + 1 : 0;
    const items = all.slice(start, start + limit);
    return { items, hasMore: start + limit < all.length };
  }

  private nextId(): string {
    this.sequence++;
    return this.sequence.toString(36).padStart(6, '0');
  }
}

function anthropicResult(outcome: LineOutcome): unknown {
  switch (outcome.kind) {
    case 'succeeded':
      return { type: 'succeeded', message: outcome.body };
    case 'errored':
      return { type: 'errored', error: outcome.body };
    default:
      return { type: outcome.kind };
  }
}

function countOutcomes(outcomes: LineOutcome[] | undefined, total: number) {
  const counts = { succeeded: 0, errored: 0, expired: 0, canceled: 0 };
  for (const outcome of outcomes ?? []) counts[outcome.kind]++;
  return { ...counts, processing: outcomes ? 0 : total };
}

function uniqueIds(lines: BatchLine[]): BatchLine[] {
  const seen = new Set<string>();
  for (const line of lines) {
    if (seen.has(line.customId))
      throw new ProviderHttpError(400, `custom_id ${line.customId} appears twice in the batch`);
    seen.add(line.customId);
  }
  return lines;
}

function fileView(file: StoredFile): Record<string, unknown> {
  return {
    id: file.id,
    object: 'file',
    bytes: Buffer.byteLength(file.content),
    created_at: file.createdAt,
    filename: file.filename,
    purpose: file.purpose,
    status: 'processed',
    expires_at: null,
    status_details: null,
  };
}

function emptyStats(): BatchStats {
  return {
    filesUploaded: 0,
    batchesCreated: { openai: 0, anthropic: 0 },
    linesSubmitted: 0,
    linesSucceeded: 0,
    linesErrored: 0,
    linesExpired: 0,
    linesCanceled: 0,
    batchesRefused: 0,
  };
}

function normalise(path: string): string {
  return path === '/batch-stats' || path.startsWith('/v1/') ? path : `/v1${path}`;
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new ProviderHttpError(400, `The request body is not valid JSON: ${(error as Error).message}`);
  }
}

function isStringRecord(value: unknown): value is Record<string, string> {
  return (
    typeof value === 'object' &&
    value !== null &&
    Object.values(value).every((entry) => typeof entry === 'string')
  );
}

type Reply = { status: number; json: unknown } | { status: number; text: string; contentType: string };

function ok(json: unknown): Reply {
  return { status: 200, json };
}

function failureReply(flavour: ProviderFlavour, failure: unknown): Reply {
  const status = failure instanceof ProviderHttpError ? failure.status : 500;
  const message = failure instanceof Error ? failure.message : String(failure);
  return { status, json: providerErrorBody(flavour, status, message) };
}

function send(response: ServerResponse, reply: Reply): void {
  if (response.headersSent || response.destroyed) return;
  const [text, contentType] =
    'json' in reply ? [JSON.stringify(reply.json), 'application/json'] : [reply.text, reply.contentType];
  response.writeHead(reply.status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}
