import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type {
  AnthropicInputBlock,
  AnthropicInputMessage,
  AnthropicMessagesRequest,
} from '../../protocol/anthropic-messages.types.js';
import type { ChatMessage } from '../../protocol/chat-completion.types.js';
import { ThinkingSignature } from '../core/thinking-signature.js';
import { toolUseIdFor } from '../core/tool-use-ids.js';
import { toChatRequest } from './to-chat-request.js';

const signature = new ThinkingSignature('property secret');

function sut(request: AnthropicMessagesRequest): ChatMessage[] {
  return toChatRequest(
    request,
    { signature, dropped: () => undefined },
    { stream: true },
  ).messages;
}

// Ids as clients write them, as the gateway writes them, and odd ones.
const toolUseId = fc.oneof(
  fc.string({ minLength: 1 }),
  fc.string({ minLength: 1 }).map(toolUseIdFor),
  fc.constantFrom('toolu_k_write', 'toolu_', 'toolu_!!', 'call_1'),
);

const text = fc
  .string()
  .map((value) => ({ type: 'text' as const, text: value }));
const image = fc.constant({
  type: 'image' as const,
  source: { type: 'url' as const, url: 'https://x/i.png' },
});
const unknownBlock = fc
  .constantFrom('document', 'search_result', 'server_tool_use', 'x')
  .map((type) => ({ type, source: {} }));
const thinking = fc.tuple(fc.string(), fc.boolean()).map(([value, signed]) => ({
  type: 'thinking' as const,
  thinking: value,
  signature: signed ? signature.sign(value) : 'g1.forged',
}));
const toolUse = toolUseId.map((id) => ({
  type: 'tool_use' as const,
  id,
  name: 'f',
  input: { id },
}));
const toolResult = fc
  .tuple(toolUseId, fc.oneof(fc.string(), fc.array(fc.oneof(text, image))))
  .map(([id, content]) => ({
    type: 'tool_result' as const,
    tool_use_id: id,
    content,
  }));
const anyBlock: fc.Arbitrary<AnthropicInputBlock> = fc.oneof(
  text,
  image,
  unknownBlock,
  thinking,
  toolUse,
  toolResult,
  fc.constant({ type: 'redacted_thinking', data: 'x' }),
);
const anyMessage: fc.Arbitrary<AnthropicInputMessage> = fc.record({
  role: fc.constantFrom('user', 'assistant', 'system'),
  content: fc.oneof(fc.string(), fc.array(anyBlock, { maxLength: 5 })),
});
const systemMessage = fc
  .oneof(fc.string(), fc.array(text, { maxLength: 2 }))
  .map((content): AnthropicInputMessage => ({ role: 'system', content }));

/** A call round: the assistant's calls, then the user's results in any order, with extras. */
const callRound = fc
  .uniqueArray(toolUseId, { minLength: 1, maxLength: 4 })
  .chain((ids) =>
    fc.tuple(
      fc.constant(ids),
      fc.shuffledSubarray(ids, { minLength: ids.length }),
      fc.array(fc.oneof(text, thinking), { maxLength: 2 }),
      fc.array(fc.oneof(text, image, unknownBlock), { maxLength: 2 }),
      fc.option(systemMessage, { nil: undefined }),
    ),
  )
  .map(([ids, resultOrder, assistantExtras, userExtras, between]) => {
    const call: AnthropicInputMessage = {
      role: 'assistant',
      content: [
        ...assistantExtras,
        ...ids.map((id) => ({
          type: 'tool_use',
          id,
          name: 'f',
          input: { id },
        })),
      ],
    };
    const results: AnthropicInputMessage = {
      role: 'user',
      content: [
        ...userExtras,
        ...resultOrder.map((id) => ({
          type: 'tool_result',
          tool_use_id: id,
          content: `result of ${id}`,
        })),
      ],
    };
    return between === undefined ? [call, results] : [call, between, results];
  });

const conversation = fc
  .array(
    fc.oneof(
      callRound,
      systemMessage.map((message) => [message]),
      fc
        .string()
        .map((value): AnthropicInputMessage[] => [
          { role: 'user', content: value },
        ]),
    ),
    { minLength: 1, maxLength: 6 },
  )
  .map((rounds) => rounds.flat());

const request = (
  messages: AnthropicInputMessage[],
  system?: string,
): AnthropicMessagesRequest => ({
  model: 'm',
  max_tokens: 10,
  messages,
  ...(system === undefined ? {} : { system }),
});

describe(`${toChatRequest.name} (properties)`, () => {
  it('gives each tool result the id of its call, right after the assistant message with the calls', () => {
    fc.assert(
      fc.property(conversation, (messages) => {
        const chat = sut(request(messages));
        const calls = chat.filter((message) => message.tool_calls);
        const tools = chat.filter((message) => message.role === 'tool');

        const blocks = messages.flatMap((message) =>
          typeof message.content === 'string' ? [] : message.content,
        );
        expect(calls.flatMap((message) => message.tool_calls)).toHaveLength(
          blocks.filter((block) => block.type === 'tool_use').length,
        );
        expect(tools).toHaveLength(
          blocks.filter((block) => block.type === 'tool_result').length,
        );
        // Every call arrived, and its result (found by the client's id the
        // input carries) with the same id.
        for (const message of calls) {
          for (const call of message.tool_calls ?? []) {
            const { id } = JSON.parse(call.function.arguments) as {
              id: string;
            };
            const result = tools.find(
              (tool) => tool.content === `result of ${id}`,
            );
            expect(result?.tool_call_id).toBe(call.id);
          }
        }
        chat.forEach((message, index) => {
          if (message.role !== 'tool') {
            return;
          }
          let before = index - 1;
          while (chat[before]?.role === 'tool') {
            before--;
          }
          const ids = chat[before]?.tool_calls?.map((call) => call.id) ?? [];
          expect(ids).toContain(message.tool_call_id);
        });
      }),
    );
  });

  it('never leaves a system message after the first position', () => {
    fc.assert(
      fc.property(
        fc.array(anyMessage, { minLength: 1, maxLength: 8 }),
        fc.option(fc.string(), { nil: undefined }),
        (messages, system) => {
          const chat = sut(request(messages, system));

          expect(
            chat.slice(1).filter((message) => message.role === 'system'),
          ).toEqual([]);
        },
      ),
    );
  });

  it('keeps the text of every system message, in order, in the first message', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(systemMessage, anyMessage), { maxLength: 8 }),
        fc.string(),
        (messages, system) => {
          const chat = sut(request(messages, system));
          const texts = [system, ...messages.flatMap(systemTextOf)].filter(
            (value) => value !== '',
          );

          expect(chat[0]?.role === 'system' ? chat[0].content : '').toBe(
            texts.join('\n\n'),
          );
        },
      ),
    );
  });
});

function systemTextOf(message: AnthropicInputMessage): string[] {
  if (message.role !== 'system') {
    return [];
  }
  if (typeof message.content === 'string') {
    return [message.content];
  }
  return [
    message.content
      .flatMap((block) =>
        block.type === 'text' ? [String(block['text'])] : [],
      )
      .join('\n\n'),
  ];
}
