import type { UpstreamTarget } from '../../config/upstreams/upstream-target.js';
import type { ChatCompletionRequest } from '../../protocol/chat-completion.types.js';

// OpenAI's own API (and Azure's) refuse a request with a field they do not
// know; vLLM, SGLang, llama.cpp and LM Studio read `top_k`, Ollama ignores it.
const REFUSES_TOP_K = /(^|\.)(openai\.com|openai\.azure\.com)$/i;

/** The request without `top_k` when its upstream would refuse it. */
export function withoutUnsupportedSampling(
  chat: ChatCompletionRequest,
  target: Pick<UpstreamTarget, 'baseUrl'>,
): ChatCompletionRequest {
  if (
    chat['top_k'] === undefined ||
    !REFUSES_TOP_K.test(hostOf(target.baseUrl))
  ) {
    return chat;
  }
  const { top_k: _dropped, ...rest } = chat;
  return rest;
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}
