import { rejection } from '../common/rejection.js';
import type {
  ChatCompletion,
  ChatCompletionRequest,
} from '../protocol/chat-completion.types.js';
import type { UpstreamTarget } from '../config/upstreams/upstream-target.js';
import { CallTimeouts } from './call-timeouts.js';
import type { UpstreamCallContext } from './chat-stream.call.js';
import { ModelCallSummary } from './model-call-summary.js';
import type { UpstreamCallOptions } from './upstream-call.types.js';
import { readCompletion } from './upstream-response.js';
import type { RetryResult } from './upstream-retry.js';
import { withFields } from '../common/objects/with-fields.js';

/**
 * One non-streaming chat completion (see LlmClientService
 * .createChatCompletion), within the total deadline (CallTimeouts) and the
 * body size limit; its usage is metered and its summary logged. Chained
 * promises, not awaits: each await is a promise more, and every promise
 * pays the request context's hook.
 */
export function completeChatCall(
  context: UpstreamCallContext,
  body: ChatCompletionRequest,
  options: UpstreamCallOptions & { target: UpstreamTarget },
): Promise<ChatCompletion> {
  const first = options.target;
  const timeouts = new CallTimeouts(
    context.times,
    options.signal,
    options.clientAbort,
  );
  const summary = new ModelCallSummary(
    context.summaries,
    first.name,
    body.model,
  );
  const failed = (error: unknown): never => {
    const explained = timeouts.explain(error, first.name);
    summary.end(explained);
    timeouts.stop();
    throw explained;
  };
  let sent: Promise<RetryResult>;
  try {
    sent = context.send(
      first,
      body.stream === false ? body : withFields(body, { stream: false }),
      { headers: options.headers, signal: timeouts.signal },
    );
  } catch (error) {
    // Reported like any other failure, through the chain below.
    sent = rejection(error);
  }
  return sent
    .then(({ response, target }) => {
      if (target !== first) {
        summary.answeredBy(target.name);
      }
      return readCompletion(response, target, context.sizes.maxBodyBytes);
    })
    .then((completion) => {
      try {
        context.meter.usage(completion.model || body.model, completion.usage);
        summary.completion(completion);
        summary.end();
      } catch (error) {
        return failed(error);
      }
      timeouts.stop();
      return completion;
    }, failed);
}
