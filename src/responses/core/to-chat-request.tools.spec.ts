import { describe, expect, it } from 'vitest';
import { toChatRequest } from './to-chat-request.js';

function sut(
  request: Record<string, unknown>,
): ReturnType<typeof toChatRequest> {
  return toChatRequest({ model: 'm', input: 'hi', ...request }, []);
}

const fn = (name: string, extra: Record<string, unknown> = {}) => ({
  type: 'function',
  name,
  ...extra,
});

describe(toChatRequest.name, () => {
  describe('tools', () => {
    it('wraps flat function tools, with default parameters and strict only when given', () => {
      const result = sut({
        tools: [
          fn('get_weather', {
            description: 'Weather',
            parameters: { type: 'object', properties: { city: {} } },
            strict: true,
          }),
          fn('ping', { description: null, parameters: null, strict: null }),
        ],
      });

      expect(result.chat.tools).toEqual([
        {
          type: 'function',
          function: {
            name: 'get_weather',
            description: 'Weather',
            parameters: { type: 'object', properties: { city: {} } },
            strict: true,
          },
        },
        {
          type: 'function',
          function: {
            name: 'ping',
            parameters: { type: 'object', properties: {} },
          },
        },
      ]);
      expect(result.tools.get('ping')).toEqual({
        kind: 'function',
        name: 'ping',
      });
    });

    it('turns a custom tool into a function with one string input, grammar in the description', () => {
      const result = sut({
        tools: [
          {
            type: 'custom',
            name: 'apply_patch',
            description: 'Edit files.',
            format: {
              type: 'grammar',
              syntax: 'lark',
              definition: 'start: "x"',
            },
          },
        ],
      });

      const tool = result.chat.tools?.[0]?.function;
      expect(tool?.name).toBe('apply_patch');
      expect(tool?.description).toBe(
        'Edit files.\n\nThe `input` must match this lark grammar:\nstart: "x"',
      );
      expect(tool?.parameters).toEqual({
        type: 'object',
        properties: {
          input: { type: 'string', description: expect.any(String) },
        },
        required: ['input'],
        additionalProperties: false,
      });
      expect(result.tools.get('apply_patch')).toEqual({
        kind: 'custom',
        name: 'apply_patch',
      });
    });

    it('flattens namespace tools to <namespace>__<tool> and remembers the namespace', () => {
      const result = sut({
        tools: [
          {
            type: 'namespace',
            name: 'multi_agent',
            description: 'Agents',
            tools: [fn('spawn'), { type: 'custom', name: 'note' }],
          },
        ],
      });

      expect(result.chat.tools?.map((tool) => tool.function.name)).toEqual([
        'multi_agent__spawn',
        'multi_agent__note',
      ]);
      expect(result.tools.get('multi_agent__spawn')).toEqual({
        kind: 'function',
        name: 'spawn',
        namespace: 'multi_agent',
      });
      expect(result.tools.get('multi_agent__note')?.kind).toBe('custom');
    });

    it('drops hosted tools and lists them, never failing', () => {
      const result = sut({
        tools: [
          { type: 'web_search', external_web_access: false },
          { type: 'mcp', server_label: 'fs', server_url: 'http://x' },
          { type: 'local_shell' },
          { type: 'image_generation' },
          fn('f'),
        ],
        tool_choice: 'required',
      });

      expect(result.droppedTools).toEqual([
        'web_search',
        'mcp',
        'local_shell',
        'image_generation',
      ]);
      expect(result.chat.tools?.map((tool) => tool.function.name)).toEqual([
        'f',
      ]);
    });

    it('sends no tool fields when every tool was dropped', () => {
      const { chat } = sut({
        tools: [{ type: 'web_search' }],
        tool_choice: 'required',
        parallel_tool_calls: false,
      });

      expect(chat).not.toHaveProperty('tools');
      expect(chat).not.toHaveProperty('tool_choice');
      expect(chat).not.toHaveProperty('parallel_tool_calls');
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
      ['none', 'none'],
      ['auto', 'auto'],
      ['required', 'required'],
      [
        { type: 'function', name: 'a' },
        { type: 'function', function: { name: 'a' } },
      ],
      [
        { type: 'custom', name: 'c' },
        { type: 'function', function: { name: 'c' } },
      ],
      [{ type: 'web_search_preview' }, 'auto'],
      [{ type: 'mcp', server_label: 'fs' }, 'auto'],
    ])('maps %j to %j', (choice, expected) => {
      expect(sut({ tools, tool_choice: choice }).chat['tool_choice']).toEqual(
        expected,
      );
    });

    it.each([
      ['auto', 'auto'],
      ['required', 'required'],
    ])(
      'maps allowed_tools mode %s, sending only the allowed tools',
      (mode, expected) => {
        const { chat } = sut({
          tools,
          tool_choice: {
            type: 'allowed_tools',
            mode,
            tools: [
              { type: 'function', name: 'b' },
              { type: 'custom', name: 'c' },
              { type: 'web_search' },
            ],
          },
        });

        expect(chat['tool_choice']).toBe(expected);
        expect(chat.tools?.map((tool) => tool.function.name)).toEqual([
          'b',
          'c',
        ]);
      },
    );

    it('finds a namespaced function named in tool_choice', () => {
      const { chat } = sut({
        tools: [{ type: 'namespace', name: 'ns', tools: [fn('x')] }],
        tool_choice: { type: 'function', name: 'x' },
      });
      expect(chat['tool_choice']).toEqual({
        type: 'function',
        function: { name: 'ns__x' },
      });
    });

    it('sends parallel_tool_calls only with tools', () => {
      expect(
        sut({ tools, parallel_tool_calls: false }).chat['parallel_tool_calls'],
      ).toBe(false);
      expect(sut({ parallel_tool_calls: false }).chat).not.toHaveProperty(
        'parallel_tool_calls',
      );
    });
  });
});
