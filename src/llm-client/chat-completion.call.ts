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

/**
 * One non-streaming chat completion (see LlmClientService
 * .createChatCompletion), within the total deadline (CallTimeouts) and the
 * body size limit; its usage is metered and its summary logged.
 */
export async function completeChatCall(
  context: UpstreamCallContext,
  body: ChatCompletionRequest,
  options: UpstreamCallOptions & { target: UpstreamTarget },
): Promise<ChatCompletion> {
  const first = options.target;
  const timeouts = new CallTimeouts(context.times, options.signal);
  const summary = new ModelCallSummary(
    context.summaries,
    first.name,
    body.model,
  );
  try {
    const { response, target } = await context.send(
      first,
      { ...body, stream: false },
      { ...options, signal: timeouts.signal },
    );
    summary.answeredBy(target.name);
    const completion = await readCompletion(
      response,
      target,
      context.sizes.maxBodyBytes,
    );
    context.meter.usage(completion.model || body.model, completion.usage);
    summary.completion(completion);
    summary.end();
    return completion;
  } catch (error) {
    const explained = timeouts.explain(error, first.name);
    summary.end(explained);
    throw explained;
  } finally {
    timeouts.stop();
  }
}
