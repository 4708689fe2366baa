/**
 * The dialect corpus: how real Chat Completions servers write their answers,
 * byte for byte (see shared/docs/backend-dialects.md). Each backend file
 * reproduces one server's serializer output for the same eight scenarios, so
 * the e2e test can drive the gateway through every dialect and expect the
 * same OpenAI-shaped result.
 */

/** One HTTP answer exactly as the server writes it. */
export interface RawHttp {
  status: number;
  contentType: string;
  body: string;
}

export type ScenarioName =
  | 'text'
  | 'reasoning'
  | 'tool call'
  | 'parallel tool calls'
  | 'text then tool call'
  | 'usage'
  | 'error before streaming'
  | 'context overflow';

/** A function call the gateway must report. */
export interface ExpectedCall {
  /** The upstream's id; undefined where the upstream sent none (the gateway must make one). */
  id?: string;
  name: string;
  /** The argument string, exactly as the upstream's fragments concatenate. */
  arguments: string;
}

export interface ExpectedUsage {
  input: number;
  output: number;
  total: number;
  /** Reasoning tokens as the server reports them (0 where it reports none). */
  reasoning: number;
}

export interface SuccessExpectation {
  kind: 'ok';
  /** Responses `output_text`: the answer without any reasoning. */
  text: string;
  /** Chat `message.content` when it differs from `text` (think tags stay in chat content). */
  chatText?: string;
  reasoning?: string;
  calls: ExpectedCall[];
  usage: ExpectedUsage;
}

export interface ErrorExpectation {
  kind: 'error';
  status: number;
  /** OpenAI's string code, e.g. `context_length_exceeded`. */
  code?: string;
  /** A piece of the upstream's own message the client must still see. */
  messageIncludes?: string;
}

export interface DialectScenario {
  name: ScenarioName;
  /** The streamed answer (`stream: true`) when `stream_options.include_usage` was asked. */
  streamed: RawHttp;
  /** The streamed answer when usage was not asked (only where it differs). */
  streamedWithoutUsage?: RawHttp;
  nonStreamed: RawHttp;
  expect: SuccessExpectation | ErrorExpectation;
}

export interface Backend {
  name: string;
  /** Where each byte comes from: repository, path and commit that were read. */
  sources: string[];
  scenarios: DialectScenario[];
}

/** `data: <payload>\n\n` per payload: the framing all these servers use. */
export function sse(...payloads: string[]): string {
  return payloads.map((payload) => `data: ${payload}\n\n`).join('');
}

export const DONE = 'data: [DONE]\n\n';

/** The answers every backend gives, so expectations read the same everywhere. */
export const TEXT = 'Hello! How can I help?';
export const REASONING = 'The user greets me. I should greet back.';
export const ANSWER = 'Hi there!';
export const PREFACE = 'Let me check the weather.';

/** The two function tools every tool scenario declares. */
export const TOOL_SCHEMAS = {
  get_weather: {
    type: 'object',
    properties: { city: { type: 'string' } },
    required: ['city'],
  },
  get_time: {
    type: 'object',
    properties: { timezone: { type: 'string' } },
    required: ['timezone'],
  },
} as const;

export function usage(
  input: number,
  output: number,
  reasoning = 0,
): ExpectedUsage {
  return { input, output, total: input + output, reasoning };
}

export function ok(
  expectation: Omit<SuccessExpectation, 'kind' | 'calls'> & {
    calls?: ExpectedCall[];
  },
): SuccessExpectation {
  return { kind: 'ok', calls: [], ...expectation };
}

export function failure(
  status: number,
  code?: string,
  messageIncludes?: string,
): ErrorExpectation {
  return { kind: 'error', status, code, messageIncludes };
}

/** An HTTP answer with its content type. */
export function http(
  status: number,
  contentType: string,
  body: string,
): RawHttp {
  return { status, contentType, body };
}

/** Whether a scenario's request must declare the tools. */
export function needsTools(name: ScenarioName): boolean {
  return (
    name === 'tool call' ||
    name === 'parallel tool calls' ||
    name === 'text then tool call'
  );
}
