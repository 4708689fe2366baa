/**
 * The requests the counting scripts (async-resources.mjs,
 * inline-caches.mjs) send one at a time: a non-streamed chat request and a
 * short stream of each API, through the fake upstream's `bench-chunks-N`
 * models, and the agent-shaped conversation.
 */
import { agentChatBody, agentResponsesBody } from './agent-workload.mjs';

const MESSAGES = [{ role: 'user', content: 'Say hello in five words.' }];
/** The fake upstream answers it with the agent's reply, in vLLM's shape. */
const AGENT_MODEL = 'bench-vllm-agent';

/** `[name, path, body]` of each kind. */
export const KINDS = [
  ['chat', '/v1/chat/completions', { model: 'bench', messages: MESSAGES }],
  [
    'chat stream (3 chunks)',
    '/v1/chat/completions',
    { model: 'bench-chunks-1', messages: MESSAGES, stream: true },
  ],
  [
    'Responses stream (3 chunks)',
    '/v1/responses',
    { model: 'bench-chunks-1', input: 'Hi', stream: true },
  ],
  [
    'Messages stream (3 chunks)',
    '/v1/messages',
    {
      model: 'bench-chunks-1',
      max_tokens: 16,
      messages: MESSAGES,
      stream: true,
    },
  ],
];

/** The agent-shaped conversation of agent-workload.mjs, through chat and Responses. */
export const AGENT_KINDS = [
  ['agent chat stream', '/v1/chat/completions', agentChatBody(AGENT_MODEL)],
  ['agent Responses stream', '/v1/responses', agentResponsesBody(AGENT_MODEL)],
];

/** Sends `count` requests of `kind` one after another, each read to its end. */
export async function send(pool, [, path, body], count) {
  for (let i = 0; i < count; i++) {
    const answer = await pool.request({
      path,
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'anthropic-version': '2023-06-01',
      },
      body: JSON.stringify(body),
    });
    if (answer.statusCode !== 200) {
      throw new Error(
        `${path} answered ${answer.statusCode}: ${await answer.body.text()}`,
      );
    }
    await answer.body.dump();
  }
}
