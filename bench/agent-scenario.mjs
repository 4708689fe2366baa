/**
 * The agent-shaped scenario (agent-workload.mjs): a coding agent's request
 * and a reasoning model's reply (reasoning, text, then a tool call), streamed
 * from a vLLM-shaped upstream, since reasoning models behind the gateway are
 * served by vLLM and its kin (OpenAI's own chat API streams no reasoning).
 *
 * - `floor`, `portkey`: the chat request through the floor and the peer;
 * - `gateway-verbatim`: the same chat request on the gateway's verbatim path
 *   (`x-tool-call-format: passthrough` switches the text tool-call parser off);
 * - `gateway-tools`: the same with the parser on, as any client gets it;
 * - `gateway-responses`: the conversation through /v1/responses.
 */
import {
  AGENT_REPLY,
  agentChatBody,
  agentResponsesBody,
} from './agent-workload.mjs';
import { countChatChunks, responseChunks } from './stream-counters.mjs';

const MODEL = 'bench-vllm-agent';
const TOOL_CALLS = AGENT_REPLY.parts.filter(
  (part) => part.kind === 'tool-start',
).length;
/** Chunks with a choice: the reply's parts and the finish chunk. */
const CHUNKS = AGENT_REPLY.parts.length + 1;

export const AGENT_SCENARIO = {
  id: 'agent-stream',
  title: `Agent-shaped stream: a coding agent's request (20 tools, ~7 KB of instructions, tool-call history) and a ${CHUNKS}-chunk reply of reasoning, text and a tool call, concurrency 8`,
  shape: 'vllm',
  method: 'POST',
  path: '/v1/chat/completions',
  body: agentChatBody(MODEL),
  connections: 8,
  chunksPerRequest: CHUNKS,
  countChunks: countChatChunks,
  runs: [
    'floor',
    'portkey',
    {
      name: 'gateway-verbatim',
      process: 'gateway',
      headers: { 'x-tool-call-format': 'passthrough' },
      warmupSeconds: 5,
    },
    { name: 'gateway-tools', process: 'gateway', warmupSeconds: 5 },
    {
      name: 'gateway-responses',
      process: 'gateway',
      path: '/v1/responses',
      body: agentResponsesBody(MODEL),
      // The role chunk, the finish chunk and each tool call's opening chunk carry no delta.
      countChunks: responseChunks(2 + TOOL_CALLS),
      warmupSeconds: 10,
    },
  ],
  compare: [
    ['gateway-tools', 'gateway-verbatim'],
    ['gateway-responses', 'gateway-verbatim'],
    ['gateway-verbatim', 'floor'],
    ['gateway-tools', 'floor'],
    ['portkey', 'floor'],
    ['gateway-tools', 'portkey'],
  ],
  addedLatency: [],
  goals: [
    {
      kind: 'ratio',
      metric: 'cpuUsPerChunk',
      subject: 'gateway-tools',
      reference: 'gateway-verbatim',
      max: 1.3,
    },
    {
      kind: 'ratio',
      metric: 'cpuUsPerChunk',
      subject: 'gateway-responses',
      reference: 'gateway-verbatim',
      max: 1.3,
    },
    {
      kind: 'ratio',
      metric: 'chunksPerSec',
      subject: 'gateway-tools',
      reference: 'portkey',
      min: 4,
    },
  ],
};
