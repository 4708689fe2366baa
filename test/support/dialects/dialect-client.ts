/**
 * How the dialect e2e test plays a backend and what it expects of the
 * gateway: the fake upstream answers with the backend's exact bytes, and the
 * official client's results are checked against the scenario's expectation.
 */
import OpenAI, { APIError } from 'openai';
import { expect } from 'vitest';
import type { FakeReply, RecordedRequest } from '../fake-upstream.js';
import {
  TOOL_SCHEMAS,
  needsTools,
  type DialectScenario,
  type ErrorExpectation,
  type RawHttp,
  type SuccessExpectation,
} from './types.js';

export const MODEL = 'dialect-model';
const INPUT = 'Hello there';

/**
 * The body cut every 61 characters: frames (and JSON) arrive split across
 * reads, as they do from a real server under load.
 */
function pieces(body: string, size = 61): string[] {
  const parts: string[] = [];
  for (let at = 0; at < body.length; at += size) {
    parts.push(body.slice(at, at + size));
  }
  return parts;
}

function raw(answer: RawHttp): FakeReply {
  return {
    kind: 'raw',
    status: answer.status,
    headers: { 'content-type': answer.contentType },
    body: pieces(answer.body),
  };
}

/** Answers as the backend would: streamed or not, with usage or not, as asked. */
export function playBackend(
  scenario: DialectScenario,
): (request: RecordedRequest) => FakeReply {
  return (request) => {
    if (request.body?.stream !== true) {
      return raw(scenario.nonStreamed);
    }
    const asked = request.body?.stream_options?.include_usage === true;
    return raw(
      asked
        ? scenario.streamed
        : (scenario.streamedWithoutUsage ?? scenario.streamed),
    );
  };
}

const RESPONSES_TOOLS: OpenAI.Responses.FunctionTool[] = Object.entries(
  TOOL_SCHEMAS,
).map(([name, parameters]) => ({
  type: 'function',
  name,
  parameters,
  strict: false,
}));
const CHAT_TOOLS: OpenAI.Chat.ChatCompletionFunctionTool[] = Object.entries(
  TOOL_SCHEMAS,
).map(([name, parameters]) => ({
  type: 'function',
  function: { name, parameters },
}));

/** A Responses request body (tools declared where the scenario calls them). */
export function responsesBody(
  scenario: DialectScenario,
): Omit<OpenAI.Responses.ResponseCreateParamsNonStreaming, 'stream'> {
  return {
    model: MODEL,
    input: INPUT,
    ...(needsTools(scenario.name) ? { tools: RESPONSES_TOOLS } : {}),
  };
}

export function chatBody(
  scenario: DialectScenario,
): Omit<OpenAI.Chat.ChatCompletionCreateParamsNonStreaming, 'stream'> {
  return {
    model: MODEL,
    messages: [{ role: 'user', content: INPUT }],
    ...(needsTools(scenario.name) ? { tools: CHAT_TOOLS } : {}),
  };
}

/** Ids must be the upstream's where it sent one, and always present and distinct. */
function expectCallIds(
  ids: (string | undefined)[],
  exp: SuccessExpectation,
): void {
  exp.calls.forEach((call, i) => {
    if (call.id !== undefined) {
      expect(ids[i], `call ${i} id`).toBe(call.id);
    }
    expect(ids[i], `call ${i} has an id`).toBeTruthy();
  });
  expect(new Set(ids).size, 'call ids are distinct').toBe(ids.length);
}

export function expectResponse(
  response: OpenAI.Responses.Response,
  exp: SuccessExpectation,
): void {
  expect(response.status).toBe('completed');
  const types = response.output.map((item) => item.type);
  if (exp.reasoning === undefined) {
    expect(types).not.toContain('reasoning');
  } else {
    expect(types[0], 'reasoning comes first').toBe('reasoning');
    const reasoning = response
      .output[0] as OpenAI.Responses.ResponseReasoningItem;
    expect(reasoning.content?.[0]?.text).toBe(exp.reasoning);
  }
  const text = response.output
    .flatMap((item) => (item.type === 'message' ? item.content : []))
    .map((part) => (part.type === 'output_text' ? part.text : ''))
    .join('');
  expect(text, 'output text').toBe(exp.text);
  if (exp.text === '') {
    expect(types).not.toContain('message');
  }
  const calls = response.output.filter(
    (item): item is OpenAI.Responses.ResponseFunctionToolCall =>
      item.type === 'function_call',
  );
  expect(
    calls.map(({ name, arguments: args }) => ({ name, arguments: args })),
  ).toEqual(
    exp.calls.map(({ name, arguments: args }) => ({ name, arguments: args })),
  );
  expectCallIds(
    calls.map((call) => call.call_id),
    exp,
  );
  if (exp.text !== '' && calls.length > 0) {
    expect(types.indexOf('message')).toBeLessThan(
      types.indexOf('function_call'),
    );
  }
  expect(response.usage).toMatchObject({
    input_tokens: exp.usage.input,
    output_tokens: exp.usage.output,
    total_tokens: exp.usage.total,
    output_tokens_details: { reasoning_tokens: exp.usage.reasoning },
  });
}

export function expectChatCompletion(
  completion: OpenAI.Chat.ChatCompletion,
  exp: SuccessExpectation,
  usageAsked: boolean,
): void {
  expect(completion.choices).toHaveLength(1);
  const choice = completion.choices[0]!;
  expect(choice.message.content ?? '', 'message content').toBe(
    exp.chatText ?? exp.text,
  );
  const calls = (choice.message.tool_calls ?? []).filter(
    (call) => call.type === 'function',
  );
  expect(choice.message.tool_calls ?? [], 'tool_calls.length').toHaveLength(
    exp.calls.length,
  );
  expect(
    calls.map((call) => ({
      name: call.function.name,
      arguments: call.function.arguments,
    })),
  ).toEqual(
    exp.calls.map(({ name, arguments: args }) => ({ name, arguments: args })),
  );
  expectCallIds(
    calls.map((call) => call.id),
    exp,
  );
  expect(choice.finish_reason).toBe(
    exp.calls.length > 0 ? 'tool_calls' : 'stop',
  );
  if (!usageAsked) {
    expect(
      completion.usage ?? undefined,
      'no usage unless asked',
    ).toBeUndefined();
    return;
  }
  expect(completion.usage).toMatchObject({
    prompt_tokens: exp.usage.input,
    completion_tokens: exp.usage.output,
    total_tokens: exp.usage.total,
  });
}

/** Runs `call`; it must fail with an OpenAI-shaped HTTP error. */
export async function expectApiError(
  call: () => Promise<unknown>,
  exp: ErrorExpectation,
): Promise<void> {
  const outcome = await call().then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if (!('error' in outcome)) {
    expect.fail(
      `expected HTTP ${exp.status}, got a result: ${JSON.stringify(outcome.value).slice(0, 600)}`,
    );
  }
  const error = outcome.error as APIError;
  expect(error, String(error)).toBeInstanceOf(APIError);
  expect(error.status, error.message).toBe(exp.status);
  const body = error.error as Record<string, unknown> | undefined;
  expect(Object.keys(body ?? {}).sort(), 'OpenAI error keys').toEqual([
    'code',
    'message',
    'param',
    'type',
  ]);
  expect(
    body?.code === null || typeof body?.code === 'string',
    `code is a string or null, got ${JSON.stringify(body?.code)}`,
  ).toBe(true);
  if (exp.code !== undefined) {
    expect(error.code).toBe(exp.code);
  }
  if (exp.messageIncludes !== undefined) {
    expect(error.message).toContain(exp.messageIncludes);
  }
}
