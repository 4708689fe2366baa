import { describe, expect, it } from 'vitest';
import { GatewayException } from '../../common/errors/gateway.exception.js';
import { validatedBody } from '../../common/http/validate-request.pipe.js';
import { claudeCodeBody } from './claude-code-fixtures.test-support.js';
import { MessagesCountTokensDto } from './messages-count-tokens.dto.js';
import { MessagesRequestDto } from './messages-request.dto.js';

const minimal = {
  model: 'm',
  max_tokens: 100,
  messages: [{ role: 'user', content: 'hi' }],
};

function sut(body: Record<string, unknown>): unknown {
  return validatedBody(body, MessagesRequestDto);
}

/** The error a body gets from ValidateRequestPipe. */
function rejection(body: Record<string, unknown>): GatewayException {
  try {
    sut(body);
  } catch (error) {
    if (error instanceof GatewayException) {
      return error;
    }
    throw error;
  }
  throw new Error('expected a GatewayException');
}

const withMessage = (content: unknown, role = 'user') => ({
  ...minimal,
  messages: [{ role, content }],
});

describe(MessagesRequestDto.name, () => {
  it.each(['turn1', 'turn2'] as const)(
    "accepts Claude Code's %s body as it is",
    (turn) => {
      const body = claudeCodeBody(turn);

      expect(sut(body)).toBe(body);
    },
  );

  it('accepts every optional field in its documented shape', () => {
    const body = {
      ...minimal,
      system: [{ type: 'text', text: 'Be brief.', cache_control: {} }],
      stream: false,
      temperature: 0.5,
      top_p: 0.9,
      top_k: 0,
      stop_sequences: ['END'],
      tools: [
        { name: 'f', input_schema: { type: 'object' }, defer_loading: true },
        { type: 'custom', name: 'g', input_schema: {}, description: 'G' },
        { type: 'web_search_20250305', name: 'web_search', max_uses: 3 },
      ],
      tool_choice: { type: 'tool', name: 'f', disable_parallel_tool_use: true },
      thinking: { type: 'enabled', budget_tokens: 2048 },
      metadata: { user_id: 'u1' },
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: '' },
            {
              type: 'image',
              source: { type: 'base64', media_type: 'image/png', data: 'AA' },
            },
            { type: 'image', source: { type: 'url', url: 'https://x/y.png' } },
            { type: 'document', source: { type: 'text', data: 'doc' } },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'hm', signature: 'sig' },
            { type: 'redacted_thinking', data: 'xx' },
            { type: 'tool_use', id: 't1', name: 'f', input: {}, caller: {} },
          ],
        },
        {
          role: 'user',
          content: [
            {
              type: 'tool_result',
              tool_use_id: 't1',
              is_error: true,
              content: [{ type: 'text', text: 'no' }],
            },
            { type: 'tool_result', tool_use_id: 't1' },
          ],
        },
      ],
    };

    expect(() => sut(body)).not.toThrow();
  });

  it('refuses a tool_result that answers no earlier tool_use', () => {
    const call = { type: 'tool_use', id: 't1', name: 'f', input: {} };
    const result = (id: string) => ({
      role: 'user',
      content: [{ type: 'tool_result', tool_use_id: id, content: 'ok' }],
    });
    const body = (messages: unknown[]) => ({ ...minimal, messages });

    expect(() =>
      sut(body([{ role: 'assistant', content: [call] }, result('t1')])),
    ).not.toThrow();
    expect(() => sut(body([result('t1')]))).toThrow(
      expect.objectContaining({
        param: 'messages.0.content.0.tool_use_id',
      }) as Error,
    );
    expect(() =>
      sut(body([{ role: 'assistant', content: [call] }, result('t2')])),
    ).toThrow(/tool_use_id/);
    // A tool_use in a user message is not a call.
    expect(() =>
      sut(body([{ role: 'user', content: [call] }, result('t1')])),
    ).toThrow(/tool_use_id/);
  });

  it.each([
    [{ type: 'adaptive' }],
    [{ type: 'disabled' }],
    [{ type: 'between_tools' }],
    [null],
  ])('accepts thinking %j', (thinking) => {
    expect(() => sut({ ...minimal, thinking })).not.toThrow();
  });

  it.each([
    [{ model: undefined }, 'model'],
    [{ model: '' }, 'model'],
    [{ model: 7 }, 'model'],
    [{ max_tokens: undefined }, 'max_tokens'],
    [{ max_tokens: 0 }, 'max_tokens'],
    [{ max_tokens: 1.5 }, 'max_tokens'],
    [{ messages: undefined }, 'messages'],
    [{ messages: {} }, 'messages'],
    [{ messages: [] }, 'messages'],
    [{ messages: ['hi'] }, 'messages.0'],
    [{ stream: 'yes' }, 'stream'],
    [{ temperature: '1' }, 'temperature'],
    [{ top_p: '1' }, 'top_p'],
    [{ top_k: -1 }, 'top_k'],
    [{ top_k: 1.5 }, 'top_k'],
    [{ stop_sequences: 'END' }, 'stop_sequences'],
    [{ stop_sequences: ['END', 3] }, 'stop_sequences.1'],
    [{ metadata: 'x' }, 'metadata'],
    [{ metadata: { user_id: 5 } }, 'metadata.user_id'],
    [{ system: 5 }, 'system'],
    [{ system: ['text'] }, 'system.0'],
    [{ system: [{ type: 'image' }] }, 'system.0.type'],
    [{ system: [{ type: 'text' }] }, 'system.0.text'],
  ])('refuses %j with param %s', (fields, param) => {
    expect(rejection({ ...minimal, ...fields })).toMatchObject({
      code: 'invalid_request',
      options: { param },
    });
  });

  it.each([
    [{ role: 'tool', content: 'x' }, 'messages.0.role'],
    [{ role: 'user' }, 'messages.0.content'],
    [{ role: 'user', content: 5 }, 'messages.0.content'],
    [{ role: 'user', content: ['x'] }, 'messages.0.content.0'],
    [{ role: 'user', content: [{ text: 'x' }] }, 'messages.0.content.0.type'],
    [
      { role: 'user', content: [{ type: 'text' }] },
      'messages.0.content.0.text',
    ],
    [
      { role: 'user', content: [{ type: 'image', source: 'x' }] },
      'messages.0.content.0.source',
    ],
    [
      {
        role: 'user',
        content: [{ type: 'image', source: { type: 'base64', data: 'AA' } }],
      },
      'messages.0.content.0.source.media_type',
    ],
    [
      { role: 'user', content: [{ type: 'image', source: { type: 'url' } }] },
      'messages.0.content.0.source.url',
    ],
    [
      {
        role: 'assistant',
        content: [{ type: 'tool_use', id: 't', name: 'f', input: '{}' }],
      },
      'messages.0.content.0.input',
    ],
    [
      {
        role: 'assistant',
        content: [{ type: 'tool_use', name: 'f', input: {} }],
      },
      'messages.0.content.0.id',
    ],
    [
      {
        role: 'assistant',
        content: [{ type: 'tool_use', id: 't', input: {} }],
      },
      'messages.0.content.0.name',
    ],
    [
      { role: 'user', content: [{ type: 'tool_result', content: 'x' }] },
      'messages.0.content.0.tool_use_id',
    ],
    [
      {
        role: 'user',
        content: [{ type: 'tool_result', tool_use_id: 't', is_error: 'yes' }],
      },
      'messages.0.content.0.is_error',
    ],
    [
      {
        role: 'user',
        content: [{ type: 'tool_result', tool_use_id: 't', content: [{}] }],
      },
      'messages.0.content.0.content.0.type',
    ],
    [
      {
        role: 'assistant',
        content: [{ type: 'thinking', thinking: 'hm' }],
      },
      'messages.0.content.0.signature',
    ],
  ])('refuses the message %j with param %s', (message, param) => {
    expect(rejection({ ...minimal, messages: [message] })).toMatchObject({
      options: { param },
    });
  });

  it('names the index of the message and block at fault', () => {
    const body = {
      ...minimal,
      messages: [
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: [{ type: 'text', text: 'a' }, {}] },
      ],
    };

    expect(rejection(body)).toMatchObject({
      options: { param: 'messages.1.content.1.type' },
    });
  });

  it.each([
    [[{ input_schema: {} }], 'tools.0.name'],
    [[{ name: 'f' }], 'tools.0.input_schema'],
    [[{ name: 'f', type: 'custom', input_schema: [] }], 'tools.0.input_schema'],
    [[{ name: 'f', input_schema: {}, description: 3 }], 'tools.0.description'],
    [[{ name: 'f', type: 3, input_schema: {} }], 'tools.0.type'],
    [
      [
        { name: 'f', input_schema: {} },
        { name: 'f', input_schema: {} },
      ],
      'tools.1.name',
    ],
    [{ name: 'f' }, 'tools'],
  ])('refuses tools %j with param %s', (tools, param) => {
    expect(rejection({ ...minimal, tools })).toMatchObject({
      options: { param },
    });
  });

  it('leaves a server tool without input_schema alone', () => {
    const tools = [{ type: 'bash_20250124', name: 'bash' }];

    expect(() => sut({ ...minimal, tools })).not.toThrow();
  });

  it.each([
    ['auto', 'tool_choice'],
    [{ type: 'required' }, 'tool_choice.type'],
    [{ type: 'tool' }, 'tool_choice.name'],
    [
      { type: 'any', disable_parallel_tool_use: 'yes' },
      'tool_choice.disable_parallel_tool_use',
    ],
  ])('refuses tool_choice %j with param %s', (toolChoice, param) => {
    expect(rejection({ ...minimal, tool_choice: toolChoice })).toMatchObject({
      options: { param },
    });
  });

  it.each([
    ['enabled', 'thinking'],
    [{ type: 'on' }, 'thinking.type'],
    [{ type: 'enabled' }, 'thinking.budget_tokens'],
    [{ type: 'enabled', budget_tokens: 10.5 }, 'thinking.budget_tokens'],
  ])('refuses thinking %j with param %s', (thinking, param) => {
    expect(rejection({ ...minimal, thinking })).toMatchObject({
      options: { param },
    });
  });

  it('accepts a body whose unknown fields have any shape', () => {
    const body = withMessage(
      [{ type: 'text', text: 'x', cache_control: 5, citations: 'no' }],
      'user',
    );

    expect(() =>
      sut({ ...body, context_management: 7, output_config: 'high' }),
    ).not.toThrow();
  });
});

describe(MessagesCountTokensDto.name, () => {
  it('needs no max_tokens', () => {
    const { max_tokens: _unused, ...body } = minimal;

    expect(() => validatedBody(body, MessagesCountTokensDto)).not.toThrow();
  });

  it('checks the messages as a Messages request does', () => {
    expect(() =>
      validatedBody(
        { model: 'm', messages: [{ role: 'bot', content: 'x' }] },
        MessagesCountTokensDto,
      ),
    ).toThrow(GatewayException);
  });
});
