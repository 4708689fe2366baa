import { request } from 'undici';
import {
  validateErrorBody,
  validateStreamEvent,
} from '../../support/openapi-schemas.js';
import { sseDataOf } from './answers.js';

/*
 * What the chunk-mutation property test sends and how it judges an answer:
 * the request bodies, the crash watcher, and the checks of a Responses
 * stream, a chat stream and an HTTP error.
 */
const CLIENT_TIMEOUT_MS = 5_000;
/** rxjs rethrows an error thrown in a subscriber on a timer: wait for it. */
export const CRASH_SETTLE_MS = 5;
const TERMINAL = /^response\.(completed|incomplete|failed)$/;

export type Json = Record<string, any>;
export interface Answer {
  status: number;
  contentType: string;
  text: string;
}

const PARAMETERS = {
  type: 'object',
  properties: { q: { type: 'string' } },
};
const NAMES = ['get_weather', 'lookup'];
export const responsesBody = (tools: boolean): Json => ({
  model: 'fake-model',
  input: 'hi',
  stream: true,
  ...(tools && {
    tools: NAMES.map((name) => ({
      type: 'function',
      name,
      parameters: PARAMETERS,
    })),
  }),
});
export const chatBody = (tools: boolean, includeUsage: boolean): Json => ({
  model: 'fake-model',
  messages: [{ role: 'user', content: 'hi' }],
  stream: true,
  ...(includeUsage && { stream_options: { include_usage: true } }),
  ...(tools && {
    tools: NAMES.map((name) => ({
      type: 'function',
      function: { name, parameters: PARAMETERS },
    })),
  }),
});

/**
 * Records what escaped the gateway's own error handling. An uncaught
 * exception ends the process (Node's default, and main.ts's last-resort
 * handler exits after draining); an unhandled rejection is a failure no
 * request reported. With these listeners the vitest worker survives both,
 * so each is reported as a failure of the case that caused it, and that
 * case's request is aborted at once rather than left to time out.
 */
export function watchForCrashes() {
  const seen: string[] = [];
  let controller = new AbortController();
  const recorder = (event: string) => (error: unknown) => {
    const text =
      error instanceof Error ? (error.stack ?? error.message) : String(error);
    seen.push(`${event}: ${text.split('\n').slice(0, 4).join('\n')}`);
    controller.abort(new Error(`${event} in the process`));
    controller = new AbortController();
  };
  const listeners = {
    uncaughtException: recorder('uncaughtException (the process exits)'),
    unhandledRejection: recorder('unhandledRejection'),
  };
  process.on('uncaughtException', listeners.uncaughtException);
  process.on('unhandledRejection', listeners.unhandledRejection);
  return {
    seen,
    signal: () => controller.signal,
    stop: () => {
      process.off('uncaughtException', listeners.uncaughtException);
      process.off('unhandledRejection', listeners.unhandledRejection);
    },
  };
}

/** POSTs JSON on a connection of its own and reads the whole answer; rejects on a reset, a hang or `abort`. */
export async function post(
  url: string,
  body: unknown,
  abort: AbortSignal,
): Promise<Answer> {
  const signal = AbortSignal.any([
    abort,
    AbortSignal.timeout(CLIENT_TIMEOUT_MS),
  ]);
  try {
    const res = await request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal,
      reset: true, // `connection: close`: no case inherits another's socket
    });
    const contentType = String(res.headers['content-type'] ?? '');
    return { status: res.statusCode, contentType, text: await res.body.text() };
  } catch (error) {
    const what = signal.aborted
      ? `no complete answer: ${String(signal.reason)}`
      : `connection failed: ${String(error)}`;
    throw new Error(what, { cause: error });
  }
}

export const parse = (data: string): Json | undefined => {
  try {
    return JSON.parse(data) as Json;
  } catch {
    return undefined;
  }
};

/** Problems of an HTTP error (4xx/5xx, OpenAI body), or of a 200 SSE body's framing. */
function envelopeProblems({ status, contentType, text }: Answer): string[] {
  const head = `HTTP ${status} ${text.slice(0, 200)}`;
  if (status === 200) {
    if (!contentType.includes('text/event-stream')) {
      return [`${head}: 200 with content-type ${contentType}`];
    }
    return text.endsWith('\n\n')
      ? []
      : [`truncated frame: …${text.slice(-80)}`];
  }
  if (
    status < 400 ||
    status > 599 ||
    !contentType.includes('application/json')
  ) {
    return [
      `${head}: not a 200, nor a 4xx/5xx with a JSON body (${contentType})`,
    ];
  }
  return validateErrorBody(parse(text)).map((e) => `${head}: ${e}`);
}

/** The events of a Responses stream, and everything wrong with it. */
export function responsesStream(answer: Answer): {
  events: Json[];
  problems: string[];
} {
  const problems = envelopeProblems(answer);
  if (answer.status !== 200) {
    return { events: [], problems };
  }
  const data = sseDataOf(answer.text);
  const events = (data.at(-1) === '[DONE]' ? data.slice(0, -1) : data).map(
    (d) => parse(d) ?? { unparsable: d.slice(0, 120) },
  );
  events.forEach((event, i) => {
    problems.push(
      ...validateStreamEvent(event)
        .slice(0, 3)
        .map((e) => `event #${i} ${e}`),
    );
    const [previous, sequence] = [
      events[i - 1]?.['sequence_number'],
      event['sequence_number'],
    ];
    if (i === 0 ? sequence !== 0 : !(sequence > previous)) {
      problems.push(
        `event #${i}: sequence_number ${sequence} after ${previous}`,
      );
    }
  });
  const terminals = events.filter((e) => TERMINAL.test(String(e['type'])));
  if (terminals.length !== 1 || terminals[0] !== events.at(-1)) {
    const types = events.map((e) => e['type']).join(',');
    problems.push(
      `${terminals.length} terminal events, not one at the end: ${types}`,
    );
  }
  return { events, problems };
}

export const isErrorFrame = (chunk: Json): boolean =>
  chunk['error'] !== undefined && chunk['error'] !== null;

/** The chunks of a chat stream (its last one may be an error frame), and everything wrong with it. */
export function chatStream(answer: Answer): {
  chunks: Json[];
  problems: string[];
} {
  const problems = envelopeProblems(answer);
  if (answer.status !== 200) {
    return { chunks: [], problems };
  }
  const data = sseDataOf(answer.text);
  const done = data.at(-1) === '[DONE]';
  const chunks = (done ? data.slice(0, -1) : data).map((d) => {
    const chunk = parse(d);
    if (chunk === undefined) {
      problems.push(`data line is not JSON: ${d.slice(0, 120)}`);
    }
    return chunk ?? {};
  });
  const errorAt = chunks.findIndex((c) => isErrorFrame(c));
  if (errorAt >= 0 && (done || errorAt !== chunks.length - 1)) {
    problems.push(
      `error frame #${errorAt} of ${chunks.length} is not the last (then [DONE]: ${done})`,
    );
  } else if (errorAt >= 0) {
    problems.push(
      ...validateErrorBody(chunks.at(-1)).map((e) => `error frame ${e}`),
    );
  } else if (!done) {
    problems.push(
      `ends with neither [DONE] nor an error frame: ${data.at(-1)}`,
    );
  }
  return { chunks, problems };
}

/** The text a client gets, and each call's arguments, from a Response. */
export function responseOutput(response: Json | undefined) {
  const output: Json[] = response?.['output'] ?? [];
  const of = (type: string) => output.filter((item) => item['type'] === type);
  const parts = of('message').flatMap((item) => item['content']);
  return {
    text: parts.map((part: Json) => part['text'] ?? '').join(''),
    calls: of('function_call').map((call) => call['arguments']),
  };
}

/** The same from chat chunks: content concatenated, arguments joined per call index. */
export function chatOutput(chunks: Json[]) {
  const deltas: Json[] = chunks.flatMap((c) =>
    (c['choices'] ?? []).map((choice: Json) => choice['delta'] ?? {}),
  );
  const calls = new Map<number, string>();
  for (const call of deltas.flatMap((d) => d['tool_calls'] ?? [])) {
    calls.set(
      call.index,
      (calls.get(call.index) ?? '') + (call.function?.arguments ?? ''),
    );
  }
  return {
    text: deltas.map((d) => d['content'] ?? '').join(''),
    calls: [...calls.values()],
  };
}
