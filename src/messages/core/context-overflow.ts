/** What a backend's "does not fit" message tells, in tokens. */
interface Overflow {
  /** The prompt's tokens. */
  input: number;
  /** The output the request asked room for, when the backend says. */
  output?: number;
  /** The model's context window. */
  limit: number;
}

type Reader = (match: RegExpExecArray) => Overflow;
const num = (text: string | undefined): number => Number(text);

/**
 * Each backend's wording (test/support/dialects has them as they are sent),
 * most specific first. vLLM has used three over its versions; SGLang,
 * llama.cpp and LM Studio one each.
 */
const WORDINGS: readonly [RegExp, Reader][] = [
  [
    /You passed (\d+) input tokens and requested (\d+) output tokens\. However, the model's context length is only (\d+)/i,
    (m) => ({ input: num(m[1]), output: num(m[2]), limit: num(m[3]) }),
  ],
  [
    /maximum context length is (\d+) tokens?\. However, you requested \d+ tokens \((\d+) in the messages, (\d+) in the completion\)/i,
    (m) => ({ input: num(m[2]), output: num(m[3]), limit: num(m[1]) }),
  ],
  [
    /is too large: (\d+)\. This model's maximum context length is (\d+) tokens and your request has (\d+) input tokens/i,
    (m) => ({ input: num(m[3]), output: num(m[1]), limit: num(m[2]) }),
  ],
  [
    /maximum context length is (\d+) tokens?\. However, your request has (\d+) input tokens/i,
    (m) => ({ input: num(m[2]), limit: num(m[1]) }),
  ],
  [
    /input \((\d+) tokens\) is longer than the model's context length \((\d+) tokens\)/i,
    (m) => ({ input: num(m[1]), limit: num(m[2]) }),
  ],
  [
    /request \((\d+) tokens\) exceeds the available context size \((\d+) tokens\)/i,
    (m) => ({ input: num(m[1]), limit: num(m[2]) }),
  ],
  [
    /does not fit in context length \((\d+) > (\d+) tokens\)/i,
    (m) => ({ input: num(m[1]), limit: num(m[2]) }),
  ],
  [
    /n_keep: (\d+)\s*>= n_ctx: (\d+)/i,
    (m) => ({ input: num(m[1]), limit: num(m[2]) }),
  ],
  // OpenAI's, without the split: the total stands for the prompt.
  [
    /maximum context length is (\d+) tokens?\. However, you requested (\d+) tokens/i,
    (m) => ({ input: num(m[2]), limit: num(m[1]) }),
  ],
];

function overflowOf(message: string): Overflow | undefined {
  for (const [pattern, read] of WORDINGS) {
    const match = pattern.exec(message);
    if (match !== null) {
      return read(match);
    }
  }
  return undefined;
}

/**
 * A backend's "the request does not fit the context window" as Anthropic
 * words it, which is what Claude Code reads: when the prompt alone fits
 * and `max_tokens` does not, "input length and `max_tokens` exceed context
 * limit: N + M > L, …" (Claude Code then retries with a smaller
 * `max_tokens`); when the prompt itself does not fit, "prompt is too long:
 * N tokens > L maximum" (Claude Code compacts). A message the gateway
 * cannot read keeps its text after "prompt is too long: ".
 */
export function contextOverflowMessage(message: string): string {
  const overflow = overflowOf(message);
  if (overflow === undefined) {
    return `prompt is too long: ${message}`;
  }
  const { input, output, limit } = overflow;
  if (output !== undefined && input < limit) {
    return `input length and \`max_tokens\` exceed context limit: ${input} + ${output} > ${limit}, decrease input length or \`max_tokens\` and try again`;
  }
  return `prompt is too long: ${input} tokens > ${limit} maximum`;
}
