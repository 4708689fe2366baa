import { describe, expect, it } from 'vitest';
import { GatewayException } from '../../common/errors/gateway.exception.js';
import { validatedBody } from '../../common/http/validate-request.pipe.js';
import { CreateResponseDto } from './create-response.dto.js';

/** The error a body gets from ValidateRequestPipe, as on HTTP and WebSocket. */
function rejection(request: Record<string, unknown>): GatewayException {
  try {
    validatedBody({ model: 'm', input: 'hi', ...request }, CreateResponseDto);
  } catch (error) {
    if (error instanceof GatewayException) {
      return error;
    }
    throw error;
  }
  throw new Error('expected a GatewayException');
}

const fn = (name: string, extra: Record<string, unknown> = {}) => ({
  type: 'function',
  name,
  ...extra,
});

describe(CreateResponseDto.name, () => {
  describe('model, input and instructions', () => {
    it.each([
      [{ input: 42 }, 'input'],
      [{ model: '' }, 'model'],
      [{ model: undefined }, 'model'],
      [{ instructions: 5 }, 'instructions'],
    ])('rejects %j with param %s', (request, param) => {
      expect(rejection(request)).toMatchObject({
        code: 'invalid_request',
        param,
      });
    });
  });

  describe('other fields', () => {
    it.each([
      [{ text: { format: { type: 'xml' } } }, 'text.format.type'],
      [
        { text: { format: { type: 'json_schema', schema: {} } } },
        'text.format.name',
      ],
      [
        { text: { format: { type: 'json_schema', name: 'x' } } },
        'text.format.schema',
      ],
      [{ text: 'json' }, 'text'],
      [{ temperature: 'hot' }, 'temperature'],
      [{ max_output_tokens: '10' }, 'max_output_tokens'],
      [{ metadata: [] }, 'metadata'],
      [{ reasoning: { effort: 3 } }, 'reasoning.effort'],
      [{ reasoning: { summary: 'brief' } }, 'reasoning.summary'],
      [{ reasoning: { summary: 1 } }, 'reasoning.summary'],
      [{ reasoning: { generate_summary: 'x' } }, 'reasoning.generate_summary'],
    ])('rejects %j with param %s', (request, param) => {
      expect(rejection(request)).toMatchObject({
        code: 'invalid_request',
        param,
      });
    });
  });

  it.each(['auto', 'concise', 'detailed', 'none', null])(
    'accepts reasoning.summary %j',
    (summary) => {
      expect(() =>
        validatedBody(
          { model: 'm', input: 'hi', reasoning: { summary } },
          CreateResponseDto,
        ),
      ).not.toThrow();
    },
  );

  describe('tools', () => {
    it.each([
      [{ tools: 'x' }, 'tools'],
      [{ tools: [fn('')] }, 'tools[0].name'],
      [{ tools: [{ type: 'function' }] }, 'tools[0].name'],
      [{ tools: [fn('a'), fn('a')] }, 'tools[1].name'],
      [{ tools: [{ name: 'a' }] }, 'tools[0].type'],
      [{ tools: [fn('a', { parameters: 'x' })] }, 'tools[0].parameters'],
      [{ tools: [{ type: 'namespace', name: 'n' }] }, 'tools[0].tools'],
      [
        {
          tools: [
            { type: 'namespace', name: 'n', tools: [{ type: 'web_search' }] },
          ],
        },
        'tools[0].tools[0].type',
      ],
      [
        { tools: [{ type: 'custom', name: 'c', format: { type: 'grammar' } }] },
        'tools[0].format.definition',
      ],
    ])('rejects %j with param %s', (request, param) => {
      expect(rejection(request)).toMatchObject({
        code: 'invalid_request',
        param,
      });
    });
  });

  describe('tool_choice and parallel_tool_calls', () => {
    const tools = [
      fn('a'),
      fn('b'),
      { type: 'custom', name: 'c' },
      { type: 'web_search' },
    ];

    it.each([
      [{ tools, tool_choice: 'sometimes' }, 'tool_choice'],
      [
        { tools, tool_choice: { type: 'function', name: 'zzz' } },
        'tool_choice.name',
      ],
      [{ tools, tool_choice: { type: 'function' } }, 'tool_choice.name'],
      [{ tools, tool_choice: { name: 'a' } }, 'tool_choice.type'],
      [{ tools, tool_choice: { type: 'mcp' } }, 'tool_choice.server_label'],
      [
        { tools, tool_choice: { type: 'mcp', server_label: 's', name: 7 } },
        'tool_choice.name',
      ],
      [
        { tools, tool_choice: { type: 'allowed_tools', mode: 'x', tools: [] } },
        'tool_choice.mode',
      ],
      [
        { tools, tool_choice: { type: 'allowed_tools', mode: 'auto' } },
        'tool_choice.tools',
      ],
      [{ tools, parallel_tool_calls: 'yes' }, 'parallel_tool_calls'],
    ])('rejects %j with param %s', (request, param) => {
      expect(rejection(request)).toMatchObject({
        code: 'invalid_request',
        param,
      });
    });
  });
});
