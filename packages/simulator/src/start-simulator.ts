import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { ConfigError, hashString, ParleyError, uniformFrom } from '@parley/core';
import {
  type FaultAnswer,
  insufficientQuotaAnswer,
  modelNotFoundAnswer,
  sentSamplingParameter,
  unauthorizedAnswer,
  unsupportedParameterAnswer,
} from './account-faults';
import { countAnthropicTokens, handleAnthropicMessages } from './anthropic-handlers';
import { AttemptCounter } from './attempt-counter';
import { type BatchStats, SimulatorBatchApi } from './batch-api';
import { hashBodyTwice } from './body-hashes';
import type { ModelRequestContext, ModelResponse } from './model-request-context';
import {
  handleOpenaiChat,
  handleOpenaiEmbeddings,
  handleOpenaiModerations,
  listOpenaiModels,
} from './openai-handlers';
import { PromptCache } from './prompt-cache';
import { type ProviderFlavour, ProviderHttpError, providerErrorBody } from './provider-errors';
import type { PlantedRecord, PlantedSummary } from './quality/planted-log';
import { QualityModel } from './quality/quality-model';
import { readRequestBody } from './read-request-body';
import { RequestsPerMinuteLimiter } from './requests-per-minute-limiter';
import { SchemaError } from './schema-value-generator';
import { type SimulatorOptions, simulatorOptionsSchema } from './simulator-options';
import { type SimulatorStats, StatsRecorder } from './simulator-stats';
import { createBuiltInCorpus, loadTextCorpus } from './text-corpus';

/** A simulator listening on a port. */
export interface RunningSimulator {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** `url + '/v1'`: the OpenAI SDK's `baseURL`. */
  openaiBaseURL: string;
  /** `url`: the Anthropic SDK's `baseURL`. */
  anthropicBaseURL: string;
  /** Counts of what was served and injected; the same object `GET /stats` returns. */
  stats(): SimulatorStats;
  /** What the Batch APIs received and answered; the same counts `GET /batch-stats` returns. */
  batchStats(): BatchStats;
  resetStats(): void;
  /**
   * What the Generator planted into each conversation it wrote, by conversationKey, and the
   * counts (also `GET /planted`). For measuring only: the judges never read it.
   */
  planted(): { summary: PlantedSummary; records: PlantedRecord[] };
  /** Stops listening and ends every open connection, hanging requests included. */
  close(): Promise<void>;
}

type ModelHandler = (body: unknown, context: ModelRequestContext) => ModelResponse;

interface ModelRoute {
  flavour: ProviderFlavour;
  handle: ModelHandler;
}

const MODEL_ROUTES: Record<string, ModelRoute> = {
  '/v1/chat/completions': { flavour: 'openai', handle: handleOpenaiChat },
  '/v1/embeddings': { flavour: 'openai', handle: handleOpenaiEmbeddings },
  '/v1/moderations': { flavour: 'openai', handle: handleOpenaiModerations },
  '/v1/messages': { flavour: 'anthropic', handle: handleAnthropicMessages },
};

const MAX_BODY_BYTES = 32 * 1024 * 1024;
// Fault kinds, as numbers mixed into the draw so that each kind has its own coin.
const DRAW = {
  hang: 1,
  rateLimited: 2,
  serverError: 3,
  serverErrorStatus: 4,
  malformed: 5,
  latency: 6,
  unauthorized: 7,
  modelNotFound: 8,
  insufficientQuota: 9,
  unsupportedParameter: 10,
  stallAfterHeaders: 11,
  resetMidBody: 12,
  refusal: 13,
  refusalWithContent: 14,
  contentFilter: 15,
  truncated: 16,
  promptCache: 17,
  deprecated: 18,
  htmlErrorPage: 19,
} as const;

/** Content faults in the order they are tried; the first that draws shapes the answer. */
const SHAPE_FAULTS = ['refusal', 'refusalWithContent', 'contentFilter', 'truncated'] as const;

/**
 * Starts the OpenAI- and Anthropic-compatible LLM simulator (docs/simulator.md) on node:http.
 * Every answer is a pure function of (seed, request body); every fault of (seed, request body,
 * how many times that body was seen), so a retried request can succeed and a run can be replayed.
 */
export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const parsed = simulatorOptionsSchema.safeParse(options);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => ({
        path: issue.path.map(String).join('.'),
        message: issue.message,
      })),
      'simulator options',
    );
  }
  const settings = parsed.data;
  const corpus = settings.textSource ? await loadTextCorpus(settings.textSource) : createBuiltInCorpus();
  const stats = new StatsRecorder();
  const quality = new QualityModel(settings.quality);
  const attempts = new AttemptCounter(settings.attemptMemory);
  const prefixCache = new PromptCache();
  const batchApi = new SimulatorBatchApi({
    context: { corpus, seed: settings.seed, verdictPassRate: settings.verdictPassRate, quality },
    settings: settings.batch,
    promptCache: prefixCache,
  });
  const limiter = settings.requestsPerMinute
    ? new RequestsPerMinuteLimiter(settings.requestsPerMinute)
    : undefined;
  const faults = settings.faults;
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let sequence = 0;
  let closing = false;

  const send = (
    response: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
    counted = true,
  ): void => {
    if (response.headersSent || response.destroyed) return;
    const text = JSON.stringify(body);
    response.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
      ...headers,
    });
    response.end(text);
    if (counted) stats.response(status);
  };

  const sendEvents = (response: ServerResponse, events: string[], headers: Record<string, string>): void => {
    if (response.headersSent || response.destroyed) return;
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...headers });
    for (const event of events) response.write(event);
    response.end();
    stats.response(200);
  };

  const later = (delayMs: number, action: () => void): void => {
    if (delayMs <= 0) {
      action();
      return;
    }
    const timer = setTimeout(() => {
      timers.delete(timer);
      action();
    }, delayMs);
    timers.add(timer);
  };

  const handleModelRequest = (
    route: ModelRoute,
    routeKey: string,
    rawBody: string,
    response: ServerResponse,
  ): void => {
    const flavour = route.flavour;
    sequence++;
    const [low, high] = hashBodyTwice(rawBody, hashString(routeKey), 0x2545f491);
    const requestId = `${sequence.toString(36).padStart(6, '0')}${low.toString(36)}`;
    const idHeaders: Record<string, string> =
      flavour === 'anthropic'
        ? { 'request-id': `req_sim${requestId}` }
        : { 'x-request-id': `req_${requestId}` };
    const errorBody = (
      status: number,
      message: string,
      details: { param?: string | null; code?: string | null; type?: string } = {},
    ) => providerErrorBody(flavour, status, message, { ...details, requestId: `req_sim${requestId}` });

    const now = Date.now();
    let limitHeaders: Record<string, string> = {};
    if (limiter) {
      const admission = limiter.tryAdmit(now);
      if (!admission.admitted) {
        stats.faults.requestsPerMinute++;
        const seconds = Math.max(1, Math.ceil(admission.retryAfterMs / 1000));
        send(
          response,
          429,
          errorBody(
            429,
            `Rate limit reached: ${limiter.limit} requests per minute. Please try again in ${seconds}s.`,
            {
              code: 'rate_limit_exceeded',
            },
          ),
          {
            ...idHeaders,
            ...rateLimitHeaders(flavour, limiter.limit, 0, seconds),
            'retry-after': String(seconds),
          },
        );
        return;
      }
      limitHeaders = rateLimitHeaders(flavour, limiter.limit, admission.remaining, 60);
    }

    // 53-bit key: two 32-bit hashes, so 80k+ distinct bodies practically never share a counter.
    const attempt = attempts.next((high & 0x1fffff) * 4294967296 + low);
    const draw = (kind: number) => uniformFrom(settings.seed, low, high, attempt, kind);
    // Past `faultyAttemptsPerBody` attempts of one body, no fault is drawn any more.
    const faulty = faults.faultyAttemptsPerBody === undefined || attempt < faults.faultyAttemptsPerBody;
    const chance = (kind: number) => (faulty ? draw(kind) : 1);

    if (chance(DRAW.hang) < faults.hang) {
      stats.faults.hang++;
      stats.hangsOpen++;
      // Never answered: the client's timeout (or close()) ends it.
      response.once('close', () => stats.hangsOpen--);
      return;
    }
    const delayMs = settings.latencyMs + Math.floor(draw(DRAW.latency) * settings.latencyJitterMs);
    if (delayMs > 0) {
      stats.faults.delayed++;
      stats.faults.delayMs += delayMs;
    }
    const headers: Record<string, string> = {
      ...idHeaders,
      ...limitHeaders,
      'openai-processing-ms': String(delayMs),
    };
    if (draw(DRAW.deprecated) < faults.deprecated) {
      stats.faults.deprecated++;
      // RFC 9745 / RFC 8594: deprecated since a date, gone after another.
      headers['deprecation'] = `@${Math.floor(Date.UTC(2026, 0, 1) / 1000)}`;
      headers['sunset'] = new Date(Date.UTC(2027, 0, 1)).toUTCString();
    }
    let parsedBody: unknown;
    try {
      parsedBody = JSON.parse(rawBody);
    } catch {
      parsedBody = undefined;
    }
    const sendFault = (answer: FaultAnswer) =>
      later(delayMs, () =>
        send(response, answer.status, errorBody(answer.status, answer.message, answer.details), headers),
      );
    // What a real API checks before anything else: the key, the model, the account, the parameters.
    if (chance(DRAW.unauthorized) < faults.unauthorized) {
      stats.faults.unauthorized++;
      sendFault(unauthorizedAnswer(flavour));
      return;
    }
    if (chance(DRAW.modelNotFound) < faults.modelNotFound) {
      stats.faults.modelNotFound++;
      const model = (parsedBody as { model?: unknown } | undefined)?.model;
      sendFault(modelNotFoundAnswer(flavour, typeof model === 'string' ? model : 'unknown'));
      return;
    }
    if (chance(DRAW.insufficientQuota) < faults.insufficientQuota) {
      stats.faults.insufficientQuota++;
      sendFault(insufficientQuotaAnswer(flavour));
      return;
    }
    const sampling = sentSamplingParameter(parsedBody);
    if (sampling !== undefined && chance(DRAW.unsupportedParameter) < faults.unsupportedParameter) {
      stats.faults.unsupportedParameter++;
      sendFault(unsupportedParameterAnswer(flavour, sampling));
      return;
    }

    if (chance(DRAW.rateLimited) < faults.rateLimited) {
      stats.faults.rateLimited++;
      const seconds = faults.retryAfterSeconds;
      later(delayMs, () =>
        send(
          response,
          429,
          errorBody(429, `Rate limit reached (simulated). Please try again in ${seconds}s.`, {
            code: 'rate_limit_exceeded',
          }),
          {
            ...headers,
            ...rateLimitHeaders(flavour, limiter?.limit ?? 60, 0, seconds),
            'retry-after': String(seconds),
          },
        ),
      );
      return;
    }
    if (chance(DRAW.htmlErrorPage) < faults.htmlErrorPage) {
      stats.faults.htmlErrorPage++;
      later(delayMs, () => {
        if (response.headersSent || response.destroyed) return;
        const page = proxyErrorPage();
        response.writeHead(502, {
          'content-type': 'text/html',
          'content-length': Buffer.byteLength(page),
          ...idHeaders,
        });
        response.end(page);
        stats.response(502);
      });
      return;
    }
    if (chance(DRAW.serverError) < faults.serverError) {
      stats.faults.serverError++;
      const status = draw(DRAW.serverErrorStatus) < 0.5 ? 500 : 503;
      const message =
        status === 500
          ? 'The server had an error while processing your request (simulated).'
          : 'The server is overloaded or not ready yet (simulated).';
      later(delayMs, () => send(response, status, errorBody(status, message), headers));
      return;
    }

    let result: ModelResponse;
    try {
      if (parsedBody === undefined) {
        try {
          JSON.parse(rawBody);
        } catch (error) {
          throw new ProviderHttpError(400, `The request body is not valid JSON: ${(error as Error).message}`);
        }
      }
      result = route.handle(parsedBody, {
        corpus,
        seed: settings.seed,
        verdictPassRate: settings.verdictPassRate,
        quality,
        requestHash: low,
        requestId,
        now: Math.floor(now / 1000),
      });
    } catch (error) {
      const status =
        error instanceof ProviderHttpError ? error.status : error instanceof SchemaError ? 400 : 500;
      const message =
        error instanceof ProviderHttpError
          ? error.message
          : error instanceof SchemaError
            ? `Invalid schema: ${error.message}`
            : `Simulator error: ${(error as Error)?.message ?? String(error)}`;
      const param = error instanceof ProviderHttpError ? error.details.param : undefined;
      later(delayMs, () => send(response, status, errorBody(status, message, { param }), headers));
      return;
    }

    let answer = result.body;
    let outputTokens = result.outputTokens;
    if (result.malformed && chance(DRAW.malformed) < faults.malformed) {
      stats.faults.malformed++;
      answer = result.malformed();
    }
    if (result.shaped && answer === result.body) {
      const kind = SHAPE_FAULTS.find((fault) => chance(DRAW[fault]) < faults[fault]) ?? 'plain';
      const promptCache = chance(DRAW.promptCache) < faults.promptCache;
      if (kind !== 'plain') stats.faults[kind]++;
      if (promptCache) stats.faults.promptCache++;
      if (kind !== 'plain' || promptCache) {
        const shaped = result.shaped({ kind, promptCache });
        answer = shaped.body;
        outputTokens = shaped.outputTokens;
      }
    }
    // Prompt-cache usage the way the vendors report it (streamed answers keep their own).
    if (!result.events) answer = prefixCache.report(flavour, parsedBody, answer);
    stats.tokens(result.inputTokens, outputTokens);
    const events = result.events;
    const stall = !events && chance(DRAW.stallAfterHeaders) < faults.stallAfterHeaders;
    const reset = !events && !stall && chance(DRAW.resetMidBody) < faults.resetMidBody;
    if (stall) stats.faults.stallAfterHeaders++;
    if (reset) stats.faults.resetMidBody++;
    later(delayMs, () => {
      if (stall) sendPartial(response, answer, headers, 'stall');
      else if (reset) sendPartial(response, answer, headers, 'reset');
      else if (events && answer === result.body) sendEvents(response, events(), headers);
      else send(response, 200, answer, headers);
    });
  };

  /**
   * A 200 with its headers and the first half of its body, then either nothing more (a stall
   * only a whole-call deadline ends) or a TCP reset (the client sees `TypeError: terminated`).
   */
  const sendPartial = (
    response: ServerResponse,
    body: unknown,
    headers: Record<string, string>,
    how: 'stall' | 'reset',
  ): void => {
    if (response.headersSent || response.destroyed) return;
    const bytes = Buffer.from(JSON.stringify(body));
    response.writeHead(200, {
      'content-type': 'application/json',
      'content-length': bytes.length,
      ...headers,
    });
    stats.response(200);
    const half = bytes.subarray(0, Math.floor(bytes.length / 2));
    if (how === 'stall') {
      stats.hangsOpen++;
      response.once('close', () => stats.hangsOpen--);
      response.write(half);
      return;
    }
    response.write(half, () => {
      // A moment for the client to read the headers and the half, then the reset.
      later(25, () => {
        const socket = response.socket;
        if (!socket || socket.destroyed) return;
        if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
        else socket.destroy();
      });
    });
  };

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const path = (request.url ?? '/').split('?')[0]!.replace(/\/+$/, '') || '/';
    const method = request.method ?? 'GET';
    if (method === 'GET' && (path === '/stats' || path === '/v1/stats')) {
      // Watching the stats must not change them.
      send(response, 200, stats.snapshot(), {}, false);
      return;
    }
    if (method === 'GET' && (path === '/planted' || path === '/v1/planted')) {
      send(response, 200, { summary: quality.planted.summary(), records: quality.planted.all() }, {}, false);
      return;
    }
    // OpenAI-compatible clients sometimes omit the /v1 prefix from their base URL.
    const modelPath = MODEL_ROUTES[path] ? path : MODEL_ROUTES[`/v1${path}`] ? `/v1${path}` : path;
    const routeKey = `${method} ${modelPath}`;
    stats.request(routeKey);
    const flavour: ProviderFlavour = modelPath.startsWith('/v1/messages') ? 'anthropic' : 'openai';

    if (method === 'GET') {
      if (path === '/' || path === '/health') {
        send(response, 200, { status: 'ok', service: 'parley-simulator', corpus: corpus.source });
        return;
      }
      if (modelPath === '/v1/models') {
        send(response, 200, listOpenaiModels(Math.floor(Date.now() / 1000)));
        return;
      }
      const modelId = modelPath.startsWith('/v1/models/')
        ? decodeURIComponent(modelPath.slice(11))
        : undefined;
      if (modelId) {
        send(response, 200, { id: modelId, object: 'model', created: 0, owned_by: 'parley-simulator' });
        return;
      }
    }

    if (batchApi.serves(path)) {
      batchApi.handle(request, response, path, `http://${request.headers.host ?? '127.0.0.1'}`);
      return;
    }
    const route = MODEL_ROUTES[modelPath];
    const isCountTokens = modelPath === '/v1/messages/count_tokens';
    if (!route && !isCountTokens) {
      send(
        response,
        404,
        providerErrorBody(flavour, 404, `Unknown route: ${method} ${path}`, { code: 'unknown_url' }),
      );
      return;
    }
    if (method !== 'POST') {
      send(response, 405, providerErrorBody(flavour, 405, `${method} is not allowed on ${path}; use POST`));
      return;
    }
    readRequestBody(request, MAX_BODY_BYTES, (error, bodyBytes) => {
      if (error) {
        const status = error.message === 'too large' ? 413 : 400;
        send(
          response,
          status,
          providerErrorBody(flavour, status, `Cannot read the request body: ${error.message}`),
        );
        return;
      }
      const rawBody = bodyBytes.toString('utf8');
      if (isCountTokens) {
        try {
          send(response, 200, countAnthropicTokens(JSON.parse(rawBody)));
        } catch (failure) {
          const message = failure instanceof Error ? failure.message : String(failure);
          send(response, 400, providerErrorBody('anthropic', 400, message));
        }
        return;
      }
      handleModelRequest(route!, routeKey, rawBody, response);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  // Providers keep connections alive for long; SDK agents reuse them.
  server.keepAliveTimeout = 65_000;

  await new Promise<void>((resolve, reject) => {
    const fail = (error: NodeJS.ErrnoException) => {
      const reason =
        error.code === 'EADDRINUSE'
          ? 'the port is already in use (pick another with --port, or 0 for a free one)'
          : error.message;
      reject(
        new ParleyError(`simulator: cannot listen on ${settings.host}:${settings.port}: ${reason}`, {
          code: 'SIMULATOR_LISTEN_FAILED',
          cause: error,
        }),
      );
    };
    server.once('error', fail);
    server.listen(settings.port, settings.host, () => {
      server.off('error', fail);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string')
    throw new Error('the simulator did not get a TCP address');
  const url = `http://${displayHost(settings.host)}:${address.port}`;

  return {
    url,
    openaiBaseURL: `${url}/v1`,
    anthropicBaseURL: url,
    stats: () => stats.snapshot(),
    batchStats: () => structuredClone(batchApi.stats),
    planted: () => ({ summary: quality.planted.summary(), records: quality.planted.all() }),
    resetStats: () => {
      stats.reset();
      attempts.clear();
      prefixCache.clear();
      batchApi.resetStats();
      limiter?.reset();
    },
    close: () => {
      if (closing) return Promise.resolve();
      closing = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Hanging and keep-alive connections would hold close() open forever.
        for (const socket of sockets) socket.destroy();
        server.closeAllConnections();
      });
    },
  };
}

/** Rate-limit headers in each provider's naming. */
function rateLimitHeaders(
  flavour: ProviderFlavour,
  limit: number,
  remaining: number,
  resetSeconds: number,
): Record<string, string> {
  if (flavour === 'anthropic') {
    return {
      'anthropic-ratelimit-requests-limit': String(limit),
      'anthropic-ratelimit-requests-remaining': String(remaining),
      'anthropic-ratelimit-requests-reset': new Date(Date.now() + resetSeconds * 1000).toISOString(),
    };
  }
  return {
    'x-ratelimit-limit-requests': String(limit),
    'x-ratelimit-remaining-requests': String(remaining),
    'x-ratelimit-reset-requests': `${resetSeconds}s`,
  };
}

/** A load balancer's 502 page, the kind that reaches a client when the API behind it is down. */
function proxyErrorPage(): string {
  const filler = '<!-- padding, as real error pages carry -->\n'.repeat(40);
  return `<!DOCTYPE html>
<html>
<head><title>502 Bad Gateway</title><style>body { font-family: sans-serif; }</style></head>
<body>
<center><h1>502 Bad Gateway</h1></center>
<p>The upstream server did not answer (simulated).</p>
${filler}<hr><center>parley-simulator-proxy</center>
</body>
</html>
`;
}

function displayHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}
