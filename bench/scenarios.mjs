/**
 * The bench scenarios, as data. Add a scenario by adding an entry; run.mjs,
 * measure.mjs and report.mjs need no change. Fields:
 *
 * - id, title: how the scenario is named in the table and in BENCH_ONLY.
 * - method, path, body (an object, sent as JSON; omit for GET).
 * - connections: concurrent connections autocannon keeps busy.
 * - chunksPerRequest: stream chunks one answer holds (0 when not streaming);
 *   turns req/s into chunks/s and is checked on a sample request before load.
 * - countChunks(text): how the sample answer's chunks are counted.
 * - runs: who serves it: 'direct' (the fake upstream), 'baseline' (the
 *   minimal proxy) or 'gateway', or `{ name, process, path?, body? }` to give
 *   a run its own label, path or body (e.g. /v1/responses on the gateway
 *   against /v1/chat/completions on the baseline).
 * - compare: [subject, reference] run-name pairs; report.mjs prints the
 *   subject ÷ reference ratio of req/s, chunks/s and CPU per request.
 * - addedLatency: [subject, reference] pairs whose p50 difference is reported in ms.
 * - warmupSeconds (optional): a longer warm-up for every run of the scenario
 *   (the longer of this and BENCH_WARMUP_SECONDS), for a gateway path that
 *   is still cold when the scenario starts. V8 keeps compiling a large path
 *   for about ten seconds under load: with --trace-opt, the Responses path
 *   went through 108, 126, 97, 42, 26 and 7 TurboFan compilations in
 *   successive 2-s windows, and a 1.5-s warm-up left most of them inside
 *   the measured slices, against a pass-through path warmed by the earlier
 *   scenarios. The figures are meant for a server that has been running.
 * - goals: targets from the issue, marked pass/miss in RESULTS.md:
 *   `{ kind: 'ratio', metric: 'rps' | 'chunksPerSec', subject, reference, min }`,
 *   `{ kind: 'ratio', metric: 'cpuUsPerChunk' | 'cpuMsPerRequest', subject, reference, max }`
 *   `{ kind: 'addedP50', subject, reference, maxMs }`
 *   or `{ kind: 'addedP50PerChunk', subject, reference, maxUs }` (the p50
 *   difference divided by chunksPerRequest).
 */

const CHAT_MESSAGES = [
  { role: 'system', content: 'You are a helpful assistant.' },
  { role: 'user', content: 'Say hello in five words.' },
];

/** Content chunks of a Chat Completions stream: `data:` lines with at least one choice. */
export function countChatChunks(text) {
  let count = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith('data:')) {
      continue;
    }
    const payload = line.slice(5).trim();
    if (payload === '[DONE]') {
      continue;
    }
    const chunk = JSON.parse(payload);
    if (Array.isArray(chunk.choices) && chunk.choices.length > 0) {
      count += 1;
    }
  }
  return count;
}

/** Every `data:` line except `[DONE]`, for streams of named events. */
export function countDataLines(text) {
  return text
    .split('\n')
    .filter(
      (line) => line.startsWith('data:') && line.slice(5).trim() !== '[DONE]',
    ).length;
}

/**
 * Upstream chunks a Responses stream carried: one text delta per content
 * chunk, plus the final chunk, whose finish_reason holds no text.
 */
export function countResponseTextDeltas(text) {
  const deltas = text
    .split('\n')
    .filter((line) => line === 'event: response.output_text.delta').length;
  return deltas + 1;
}

const ALL_THREE = ['direct', 'baseline', 'gateway'];

/** A streamed chat request of `chunks` plain-text chunks. */
function chatStreamBody(chunks, extra = {}) {
  return {
    model: 'bench-model',
    messages: CHAT_MESSAGES,
    stream: true,
    stream_options: { include_usage: true },
    bench_chunks: chunks,
    ...extra,
  };
}

/** Declared tools switch the gateway's text tool-call parser on. */
const BENCH_TOOLS = [
  {
    type: 'function',
    function: {
      name: 'get_weather',
      description: 'The weather in a city',
      parameters: {
        type: 'object',
        properties: { city: { type: 'string' } },
        required: ['city'],
      },
    },
  },
];

/** @type {ReadonlyArray<Record<string, unknown>>} */
export const SCENARIOS = [
  {
    id: 'chat-c1',
    title: 'Chat completion, non-streaming, concurrency 1 (latency)',
    method: 'POST',
    path: '/v1/chat/completions',
    body: { model: 'bench-model', messages: CHAT_MESSAGES },
    connections: 1,
    chunksPerRequest: 0,
    runs: ALL_THREE,
    compare: [['gateway', 'baseline']],
    addedLatency: [
      ['gateway', 'direct'],
      ['baseline', 'direct'],
    ],
    goals: [
      { kind: 'addedP50', subject: 'gateway', reference: 'direct', maxMs: 1 },
    ],
  },
  {
    id: 'chat-c32',
    title: 'Chat completion, non-streaming, concurrency 32 (throughput)',
    method: 'POST',
    path: '/v1/chat/completions',
    body: { model: 'bench-model', messages: CHAT_MESSAGES },
    connections: 32,
    chunksPerRequest: 0,
    runs: ALL_THREE,
    compare: [['gateway', 'baseline']],
    addedLatency: [],
    goals: [
      {
        kind: 'ratio',
        metric: 'rps',
        subject: 'gateway',
        reference: 'baseline',
        min: 0.8,
      },
    ],
  },
  {
    id: 'chat-stream-200',
    title: 'Chat completion, streaming 200 chunks, concurrency 8',
    method: 'POST',
    path: '/v1/chat/completions',
    // include_usage so both paths carry the same frames (the gateway drops the
    // usage chunk when the client did not ask for it).
    body: {
      model: 'bench-model',
      messages: CHAT_MESSAGES,
      stream: true,
      stream_options: { include_usage: true },
      bench_chunks: 200,
    },
    connections: 8,
    chunksPerRequest: 200,
    countChunks: countChatChunks,
    runs: ALL_THREE,
    compare: [['gateway', 'baseline']],
    addedLatency: [],
    goals: [
      {
        kind: 'ratio',
        metric: 'chunksPerSec',
        subject: 'gateway',
        reference: 'baseline',
        min: 0.8,
      },
    ],
  },
  {
    id: 'responses-stream-500',
    title:
      'Responses stream of 500 chunks vs the same stream through chat pass-through, concurrency 8',
    method: 'POST',
    path: '/v1/chat/completions',
    // The chunk count rides in the model name: the Responses mapping does not
    // forward unknown body fields upstream.
    body: {
      model: 'bench-chunks-500',
      messages: CHAT_MESSAGES,
      stream: true,
      stream_options: { include_usage: true },
    },
    connections: 8,
    chunksPerRequest: 500,
    countChunks: countChatChunks,
    warmupSeconds: 10,
    runs: [
      'gateway',
      {
        name: 'gateway-responses',
        process: 'gateway',
        path: '/v1/responses',
        body: {
          model: 'bench-chunks-500',
          input: 'Say hello in five words.',
          stream: true,
        },
        countChunks: countResponseTextDeltas,
      },
    ],
    compare: [['gateway-responses', 'gateway']],
    addedLatency: [],
    goals: [
      {
        kind: 'ratio',
        metric: 'cpuUsPerChunk',
        subject: 'gateway-responses',
        reference: 'gateway',
        max: 1.3,
      },
    ],
  },
  {
    id: 'chat-stream-tools-2000',
    title:
      'Chat stream of 2,000 plain-text chunks with tools declared (text tool-call parser on) vs without (pass-through), concurrency 8',
    method: 'POST',
    path: '/v1/chat/completions',
    body: chatStreamBody(2000),
    connections: 8,
    chunksPerRequest: 2000,
    countChunks: countChatChunks,
    warmupSeconds: 10,
    runs: [
      { name: 'pass-through', process: 'gateway' },
      {
        name: 'parser',
        process: 'gateway',
        // 'bench-model' matches no family, so `auto` runs every family's parser.
        body: chatStreamBody(2000, { tools: BENCH_TOOLS }),
      },
      {
        // The same tools with the parser switched off (tool_choice "none"):
        // what declaring tools costs apart from the parser.
        name: 'tools-no-parser',
        process: 'gateway',
        body: chatStreamBody(2000, { tools: BENCH_TOOLS, tool_choice: 'none' }),
      },
    ],
    compare: [
      ['parser', 'pass-through'],
      ['parser', 'tools-no-parser'],
    ],
    addedLatency: [['parser', 'pass-through']],
    goals: [
      {
        kind: 'ratio',
        metric: 'cpuUsPerChunk',
        subject: 'parser',
        reference: 'pass-through',
        max: 1.1,
      },
      {
        kind: 'addedP50PerChunk',
        subject: 'parser',
        reference: 'pass-through',
        maxUs: 50,
      },
    ],
  },
  {
    id: 'models-c32',
    // Since ModelsModule the gateway answers from its cached, aggregated model
    // list instead of forwarding, so its figure is not a pass-through cost.
    title: 'GET /v1/models, concurrency 32 (gateway: cached aggregate list)',
    method: 'GET',
    path: '/v1/models',
    connections: 32,
    chunksPerRequest: 0,
    runs: ALL_THREE,
    compare: [['gateway', 'baseline']],
    addedLatency: [],
    goals: [],
  },
];
