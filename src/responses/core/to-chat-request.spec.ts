import { describe, expect, it } from 'vitest';
import { GatewayException } from '../../common/errors/gateway.exception.js';
import type { ResponseInputItem } from '../../protocol/responses.types.js';
import { toChatRequest } from './to-chat-request.js';

function sut(
  request: Record<string, unknown>,
  history: ResponseInputItem[] = [],
): ReturnType<typeof toChatRequest> {
  return toChatRequest({ model: 'm', input: 'hi', ...request }, history);
}

function rejection(request: Record<string, unknown>): GatewayException {
  try {
    sut(request);
  } catch (error) {
    if (error instanceof GatewayException) {
      return error;
    }
    throw error;
  }
  throw new Error('expected a GatewayException');
}

describe(toChatRequest.name, () => {
  describe('input', () => {
    it('maps a string input to one user message, after the instructions', () => {
      expect(sut({ instructions: 'Be brief.', input: 'Hello' }).chat).toEqual({
        model: 'm',
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Hello' },
        ],
      });
    });

    it('puts history between the instructions and the new input', () => {
      const history: ResponseInputItem[] = [
        { role: 'user', content: 'Earlier' },
        {
          type: 'message',
          id: 'msg_1',
          role: 'assistant',
          status: 'completed',
          content: [{ type: 'output_text', text: 'Reply', annotations: [] }],
        },
      ];

      expect(
        sut({ instructions: 'Now.', input: 'Next' }, history).chat.messages,
      ).toEqual([
        { role: 'system', content: 'Now.' },
        { role: 'user', content: 'Earlier' },
        { role: 'assistant', content: 'Reply' },
        { role: 'user', content: 'Next' },
      ]);
    });

    it('rejects a conversation without any message with param input', () => {
      expect(rejection({ input: undefined })).toMatchObject({
        code: 'invalid_request',
        param: 'input',
      });
      expect(rejection({ input: [] })).toMatchObject({ param: 'input' });
    });

    it('accepts instructions as input items', () => {
      expect(
        sut({ instructions: [{ role: 'developer', content: 'Rules' }] }).chat
          .messages[0],
      ).toEqual({ role: 'system', content: 'Rules' });
    });
  });

  describe('other fields', () => {
    it('maps every sampling and bookkeeping field', () => {
      const { chat } = sut({
        text: { format: { type: 'json_object' }, verbosity: 'low' },
        reasoning: { effort: 'high', summary: 'auto' },
        max_output_tokens: 256,
        temperature: 0.3,
        top_p: 0.9,
        user: 'u1',
        safety_identifier: 'sid',
        metadata: { k: 'v' },
        prompt_cache_key: 'pck',
        service_tier: 'flex',
        top_logprobs: 3,
      });

      expect(chat).toEqual({
        model: 'm',
        messages: [{ role: 'user', content: 'hi' }],
        response_format: { type: 'json_object' },
        verbosity: 'low',
        reasoning_effort: 'high',
        max_tokens: 256,
        temperature: 0.3,
        top_p: 0.9,
        user: 'u1',
        metadata: { k: 'v' },
        prompt_cache_key: 'pck',
        service_tier: 'flex',
        logprobs: true,
        top_logprobs: 3,
      });
    });

    it('wraps a flat json_schema format for chat', () => {
      const schema = { type: 'object', properties: { a: { type: 'number' } } };
      expect(
        sut({
          text: {
            format: {
              type: 'json_schema',
              name: 'out',
              schema,
              strict: true,
              description: 'd',
            },
          },
        }).chat['response_format'],
      ).toEqual({
        type: 'json_schema',
        json_schema: { name: 'out', schema, strict: true, description: 'd' },
      });
    });

    it('sends no response_format for a text format, and tolerates reasoning: null', () => {
      const { chat } = sut({
        text: { format: { type: 'text' } },
        reasoning: null,
      });
      expect(chat).not.toHaveProperty('response_format');
      expect(chat).not.toHaveProperty('reasoning_effort');
    });

    it('uses safety_identifier as user when user is absent', () => {
      expect(sut({ safety_identifier: 'sid' }).chat['user']).toBe('sid');
    });

    it('does not forward Responses-only or unknown fields, but passes the chat extras', () => {
      const { chat } = sut({
        truncation: 'auto',
        store: true,
        include: ['reasoning.encrypted_content'],
        background: false,
        previous_response_id: 'resp_1',
        stream: true,
        stream_options: { include_obfuscation: false },
        conversation: 'conv_1',
        prompt_cache_retention: '24h',
        n: 3,
        seed: 7,
        stop: ['END'],
        frequency_penalty: 0.1,
        presence_penalty: 0.2,
        logit_bias: { '42': 1 },
      });

      expect(chat).toEqual({
        model: 'm',
        messages: [{ role: 'user', content: 'hi' }],
        seed: 7,
        stop: ['END'],
        frequency_penalty: 0.1,
        presence_penalty: 0.2,
        logit_bias: { '42': 1 },
      });
    });
  });
});
