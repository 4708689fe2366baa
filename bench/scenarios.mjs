/**
 * The bench scenarios, as data. Add a scenario by adding an entry; run.mjs,
 * measure.mjs and report.mjs need no change. Fields:
 *
 * - id, title: how the scenario is named in the table and in BENCH_ONLY.
 * - shape: the upstream's wire shape, 'openai' or 'vllm' (upstream-shapes.mjs);
 *   it rides in the model name, which every proxy forwards.
 * - method, path, body (an object, sent as JSON; omit for GET).
 * - connections: concurrent connections autocannon keeps busy.
 * - chunksPerRequest: upstream chunks one answer holds (0 when not
 *   streaming); turns req/s into chunks/s and is checked on a sample request
 *   before load.
 * - countChunks(text): how the sample answer's chunks are counted
 *   (stream-counters.mjs).
 * - runs: who serves it (targets.mjs): 'direct' (the fake upstream), 'floor'
 *   (the floor proxy), 'gateway' or 'portkey', or `{ name, process, path?,
 *   body?, headers?, countChunks?, warmupSeconds? }` to give a run its own
 *   label, request or warm-up.
 * - compare: [subject, reference] run-name pairs; report.mjs prints the
 *   subject ÷ reference ratios of req/s, chunks/s and CPU per chunk/request.
 * - addedLatency: [subject, reference] pairs whose p50 difference is reported in ms.
 * - warmupSeconds (optional): a longer warm-up for every run of the scenario
 *   (the longer of this and BENCH_WARMUP_SECONDS), for a gateway path that
 *   is still cold when the scenario starts. V8 keeps compiling a large path
 *   for about ten seconds under load: with --trace-opt, the Responses path
 *   went through 108, 126, 97, 42, 26 and 7 TurboFan compilations in
 *   successive 2-s windows, and a 1.5-s warm-up left most of them inside
 *   the measured slices, against a pass-through path warmed by the earlier
 *   scenarios. The figures are meant for a server that has been running.
 * - goals: targets from the issues, marked pass/miss in RESULTS.md:
 *   `{ kind: 'ratio', metric: 'rps' | 'chunksPerSec', subject, reference, min }`,
 *   `{ kind: 'ratio', metric: 'cpuUsPerChunk' | 'cpuMsPerRequest', subject, reference, max }`
 *   `{ kind: 'addedP50', subject, reference, maxMs }`
 *   or `{ kind: 'addedP50PerChunk', subject, reference, maxUs }` (the p50
 *   difference divided by chunksPerRequest).
 *
 * MEMORY_GOALS are checked against the idle RSS of a process (run.mjs).
 */
import { AGENT_SCENARIO } from './agent-scenario.mjs';
import {
  countChatChunks,
  messageChunks,
  responseChunks,
} from './stream-counters.mjs';

const CHAT_MESSAGES = [
  { role: 'system', content: 'You are a helpful assistant.' },
  { role: 'user', content: 'Say hello in five words.' },
];

const FOUR_TARGETS = ['direct', 'floor', 'gateway', 'portkey'];
/** Every proxy against the floor, and the gateway against its peer. */
const AGAINST_FLOOR_AND_PEER = [
  ['gateway', 'floor'],
  ['portkey', 'floor'],
  ['gateway', 'portkey'],
];
/**
 * The scenarios of the `÷ floor` targets also run the minimal gateway
 * (minimal-gateway.mjs): what its parts alone cost over the floor, and
 * what the gateway's own work costs over them.
 */
const WITH_MINIMAL = [...FOUR_TARGETS, 'minimal'];
const AGAINST_FLOOR_PEER_AND_MINIMAL = [
  ...AGAINST_FLOOR_AND_PEER,
  ['minimal', 'floor'],
  ['gateway', 'minimal'],
];

const atLeast = (metric, subject, reference, min) => ({
  kind: 'ratio',
  metric,
  subject,
  reference,
  min,
});
const atMost = (metric, subject, reference, max) => ({
  kind: 'ratio',
  metric,
  subject,
  reference,
  max,
});

/**
 * A streamed chat request of `chunks` chunks. include_usage so that every
 * path carries the same frames: the gateway always asks its upstream for
 * usage and drops the usage chunk when the client did not ask for it.
 */
function chatStreamBody(model, extra = {}) {
  return {
    model,
    messages: CHAT_MESSAGES,
    stream: true,
    stream_options: { include_usage: true },
    ...extra,
  };
}

/**
 * Streams of 200 chunks through every target, with the upstream in `shape`.
 * `usage: false`: the client does not ask for usage. The floor and Portkey
 * forward that request, so OpenAI's shape sends them no usage at all; the
 * gateway still asks for it upstream (for its metrics), so it receives
 * `"usage":null` on every chunk and the usage chunk, and must cut both
 * before the client sees the same bytes as through the floor.
 */
function chatStream200(shape, { usage = true } = {}) {
  const vllm = shape === 'vllm';
  const id = vllm ? 'chat-stream-200-vllm' : 'chat-stream-200';
  return {
    id: usage ? id : `${id}-no-usage`,
    title: `Chat completion, streaming 200 chunks in ${vllm ? "vLLM's" : "OpenAI's"} wire shape, concurrency 8${usage ? '' : ', the client not asking for usage'}`,
    shape,
    method: 'POST',
    path: '/v1/chat/completions',
    body: chatStreamBody(
      vllm ? 'bench-vllm-chunks-200' : 'bench-chunks-200',
      usage ? {} : { stream_options: { include_usage: false } },
    ),
    connections: 8,
    chunksPerRequest: 200,
    countChunks: countChatChunks,
    // The minimal gateway pipes a stream as it came: the client asks for usage.
    runs: vllm || !usage ? FOUR_TARGETS : WITH_MINIMAL,
    compare:
      vllm || !usage ? AGAINST_FLOOR_AND_PEER : AGAINST_FLOOR_PEER_AND_MINIMAL,
    addedLatency: [],
    goals: [
      // The streaming target names the OpenAI-shaped upstream.
      ...(vllm ? [] : [atLeast('chunksPerSec', 'gateway', 'floor', 0.9)]),
      atLeast('chunksPerSec', 'gateway', 'portkey', 4),
    ],
  };
}

/** Declared tools switch the gateway's text tool-call parser on. */
const WEATHER_TOOL = {
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
};

/** @type {ReadonlyArray<Record<string, unknown>>} */
export const SCENARIOS = [
  {
    id: 'chat-c1',
    title: 'Chat completion, non-streaming, concurrency 1 (latency)',
    shape: 'openai',
    method: 'POST',
    path: '/v1/chat/completions',
    body: { model: 'bench-model', messages: CHAT_MESSAGES },
    connections: 1,
    chunksPerRequest: 0,
    // The first scenario: every process starts it cold. With --trace-opt the
    // gateway went through 282, 378, 118, 194, 46 and 10 compilations in
    // successive 2-s windows at concurrency 1, and its requests/s doubled
    // between the first and the sixth window.
    warmupSeconds: 10,
    runs: FOUR_TARGETS,
    compare: AGAINST_FLOOR_AND_PEER,
    addedLatency: [
      ['floor', 'direct'],
      ['gateway', 'direct'],
      ['portkey', 'direct'],
    ],
    goals: [
      {
        kind: 'addedP50',
        subject: 'gateway',
        reference: 'direct',
        maxMs: 0.35,
      },
    ],
  },
  {
    id: 'chat-c32',
    title: 'Chat completion, non-streaming, concurrency 32 (throughput)',
    shape: 'openai',
    method: 'POST',
    path: '/v1/chat/completions',
    body: { model: 'bench-model', messages: CHAT_MESSAGES },
    connections: 32,
    chunksPerRequest: 0,
    runs: WITH_MINIMAL,
    compare: AGAINST_FLOOR_PEER_AND_MINIMAL,
    addedLatency: [],
    goals: [
      atLeast('rps', 'gateway', 'floor', 0.8),
      atLeast('rps', 'gateway', 'portkey', 4),
    ],
  },
  chatStream200('openai'),
  chatStream200('vllm'),
  chatStream200('openai', { usage: false }),
  {
    id: 'responses-stream-500',
    title:
      'Responses stream of 500 chunks vs the same stream through chat pass-through, concurrency 8',
    shape: 'openai',
    method: 'POST',
    path: '/v1/chat/completions',
    // The chunk count rides in the model name: the Responses mapping does not
    // forward unknown body fields upstream.
    body: chatStreamBody('bench-chunks-500'),
    connections: 8,
    chunksPerRequest: 500,
    countChunks: countChatChunks,
    warmupSeconds: 10,
    runs: [
      { name: 'pass-through', process: 'gateway' },
      {
        name: 'responses',
        process: 'gateway',
        path: '/v1/responses',
        body: {
          model: 'bench-chunks-500',
          input: 'Say hello in five words.',
          stream: true,
        },
        countChunks: responseChunks(2),
      },
    ],
    compare: [['responses', 'pass-through']],
    addedLatency: [],
    goals: [atMost('cpuUsPerChunk', 'responses', 'pass-through', 1.3)],
  },
  {
    id: 'messages-stream-500',
    title:
      'Anthropic Messages stream of 500 chunks vs the same stream through chat pass-through, concurrency 8',
    shape: 'openai',
    method: 'POST',
    path: '/v1/chat/completions',
    body: chatStreamBody('bench-chunks-500'),
    connections: 8,
    chunksPerRequest: 500,
    countChunks: countChatChunks,
    warmupSeconds: 10,
    runs: [
      { name: 'pass-through', process: 'gateway' },
      {
        name: 'messages',
        process: 'gateway',
        path: '/v1/messages',
        body: {
          model: 'bench-chunks-500',
          max_tokens: 1024,
          messages: [{ role: 'user', content: 'Say hello in five words.' }],
          stream: true,
        },
        countChunks: messageChunks(2),
      },
    ],
    compare: [['messages', 'pass-through']],
    addedLatency: [],
    // No target in the issues: the figure shows what the translation costs.
    goals: [],
  },
  {
    id: 'chat-stream-tools-2000',
    title:
      'Chat stream of 2,000 plain-text chunks with tools declared (text tool-call parser on) vs without (pass-through), concurrency 8',
    shape: 'openai',
    method: 'POST',
    path: '/v1/chat/completions',
    body: chatStreamBody('bench-chunks-2000'),
    connections: 8,
    chunksPerRequest: 2000,
    countChunks: countChatChunks,
    warmupSeconds: 10,
    runs: [
      { name: 'pass-through', process: 'gateway' },
      {
        name: 'parser',
        process: 'gateway',
        // 'bench-chunks-2000' matches no family, so `auto` runs every family's parser.
        body: chatStreamBody('bench-chunks-2000', { tools: [WEATHER_TOOL] }),
      },
      {
        // The same tools with the parser switched off (tool_choice "none"):
        // what declaring tools costs apart from the parser.
        name: 'tools-no-parser',
        process: 'gateway',
        body: chatStreamBody('bench-chunks-2000', {
          tools: [WEATHER_TOOL],
          tool_choice: 'none',
        }),
      },
    ],
    compare: [
      ['parser', 'pass-through'],
      ['parser', 'tools-no-parser'],
    ],
    addedLatency: [['parser', 'pass-through']],
    goals: [
      atMost('cpuUsPerChunk', 'parser', 'pass-through', 1.1),
      {
        kind: 'addedP50PerChunk',
        subject: 'parser',
        reference: 'pass-through',
        maxUs: 50,
      },
    ],
  },
  AGENT_SCENARIO,
  {
    id: 'models-c32',
    // Since ModelsModule the gateway answers from its cached, aggregated model
    // list instead of forwarding, so its figure is not a pass-through cost.
    title: 'GET /v1/models, concurrency 32 (gateway: cached aggregate list)',
    shape: 'openai',
    method: 'GET',
    path: '/v1/models',
    connections: 32,
    chunksPerRequest: 0,
    runs: ['direct', 'floor', 'gateway'],
    compare: [['gateway', 'floor']],
    addedLatency: [],
    goals: [],
  },
];

/** Idle RSS targets: after start, once /health answered, after a forced GC. */
export const MEMORY_GOALS = [{ process: 'gateway', maxMiB: 100 }];
