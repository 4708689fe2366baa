import { describe, expect, it } from 'vitest';
import { GatewayException } from '../../common/errors/gateway.exception.js';
import { toChatMessages } from './input-items.mapper.js';
import type { ResponseInputItem } from '../../protocol/responses.types.js';

function sut(
  items: unknown[],
  references: Record<string, ResponseInputItem> = {},
): ReturnType<typeof toChatMessages> {
  return toChatMessages(
    items.map((item, index) => ({ item, param: `input[${index}]` })),
    (id) => references[id],
  );
}

function rejection(items: unknown[]): GatewayException {
  try {
    sut(items);
  } catch (error) {
    if (error instanceof GatewayException) {
      return error;
    }
    throw error;
  }
  throw new Error('expected a GatewayException');
}

describe(toChatMessages.name, () => {
  it('maps messages of every role; developer becomes system', () => {
    expect(
      sut([
        { role: 'developer', content: 'Rules.' },
        { role: 'user', content: 'Hi' },
        { type: 'message', role: 'assistant', content: 'Hello' },
        { role: 'system', content: 'Late system.' },
      ]),
    ).toEqual([
      { role: 'system', content: 'Rules.' },
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello' },
      { role: 'system', content: 'Late system.' },
    ]);
  });

  it('joins adjacent system messages into one', () => {
    expect(
      sut([
        { role: 'system', content: 'A' },
        { role: 'developer', content: [{ type: 'input_text', text: 'B' }] },
        { role: 'user', content: 'Hi' },
      ]),
    ).toEqual([
      { role: 'system', content: 'A\n\nB' },
      { role: 'user', content: 'Hi' },
    ]);
  });

  it('collapses text parts to one string and keeps images and files as parts', () => {
    const [textOnly, mixed] = sut([
      {
        role: 'user',
        content: [
          { type: 'input_text', text: 'one' },
          { type: 'input_text', text: 'two' },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'input_text', text: 'look' },
          { type: 'input_image', image_url: 'https://x/a.png', detail: 'high' },
          { type: 'input_image', image_url: 'data:image/png;base64,AAAA' },
          {
            type: 'input_image',
            image_url: 'https://x/b.png',
            detail: 'original',
          },
          {
            type: 'input_file',
            filename: 'a.pdf',
            file_data: 'data:application/pdf;base64,JVB',
          },
          { type: 'input_file', file_url: 'https://x/c.pdf' },
          { type: 'input_file', file_id: 'file_1' },
        ],
      },
    ]);

    expect(textOnly).toEqual({ role: 'user', content: 'one\ntwo' });
    expect(mixed?.content).toEqual([
      { type: 'text', text: 'look' },
      {
        type: 'image_url',
        image_url: { url: 'https://x/a.png', detail: 'high' },
      },
      { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
      { type: 'image_url', image_url: { url: 'https://x/b.png' } },
      {
        type: 'file',
        file: {
          file_data: 'data:application/pdf;base64,JVB',
          filename: 'a.pdf',
        },
      },
      { type: 'file', file: { file_url: 'https://x/c.pdf' } },
      { type: 'file', file: { file_id: 'file_1' } },
    ]);
  });

  it('sends assistant output_text back verbatim, ignoring annotations, logprobs, id and status', () => {
    expect(
      sut([
        {
          type: 'message',
          id: 'msg_1',
          status: 'completed',
          role: 'assistant',
          content: [
            {
              type: 'output_text',
              text: 'Sure.',
              annotations: [],
              logprobs: [],
            },
          ],
        },
        { role: 'assistant', content: [{ type: 'refusal', refusal: 'No.' }] },
      ]),
    ).toEqual([
      { role: 'assistant', content: 'Sure.' },
      { role: 'assistant', content: 'No.' },
    ]);
  });

  it('maps a Codex-style history: no ids, developer message, encrypted_content null', () => {
    const messages = sut([
      {
        type: 'message',
        role: 'developer',
        content: [{ type: 'input_text', text: 'perms' }],
      },
      {
        type: 'message',
        role: 'user',
        content: [{ type: 'input_text', text: 'fix it' }],
      },
      {
        type: 'reasoning',
        summary: [{ type: 'summary_text', text: 'plan' }],
        content: null,
        encrypted_content: null,
      },
      {
        type: 'function_call',
        name: 'exec_command',
        arguments: '{"cmd":"ls"}',
        call_id: 'call_9',
      },
      { type: 'function_call_output', call_id: 'call_9', output: 'a.txt' },
      {
        type: 'message',
        role: 'assistant',
        content: [{ type: 'output_text', text: 'Done.' }],
      },
    ]);

    expect(messages.map((message) => message.role)).toEqual([
      'system',
      'user',
      'assistant',
      'tool',
      'assistant',
    ]);
    expect(messages[2]).toMatchObject({
      reasoning_content: 'plan',
      tool_calls: [{ id: 'call_9' }],
    });
  });

  it('resolves item references, with or without type', () => {
    const references: Record<string, ResponseInputItem> = {
      msg_1: { type: 'message', role: 'user', content: 'from store' },
    };
    expect(
      sut(
        [{ type: 'item_reference', id: 'msg_1' }, { id: 'msg_1' }],
        references,
      ),
    ).toEqual([
      { role: 'user', content: 'from store' },
      { role: 'user', content: 'from store' },
    ]);
  });

  it('rejects an unknown item reference with param input', () => {
    expect(rejection([{ type: 'item_reference', id: 'msg_x' }])).toMatchObject({
      code: 'invalid_request',
      param: 'input',
    });
  });

  it('skips history of hosted tools a chat backend never ran', () => {
    expect(
      sut([
        {
          type: 'web_search_call',
          id: 'ws_1',
          status: 'completed',
          action: { type: 'search' },
        },
        { role: 'user', content: 'Q' },
      ]),
    ).toEqual([{ role: 'user', content: 'Q' }]);
  });

  it.each([
    [[{ type: 'bogus' }], 'input[0].type'],
    [
      [
        { role: 'user', content: 'a' },
        { type: 'function_call', name: 'f', arguments: '{}' },
      ],
      'input[1].call_id',
    ],
    [
      [{ type: 'function_call', call_id: 'c', arguments: '{}' }],
      'input[0].name',
    ],
    [
      [{ type: 'function_call', call_id: 'c', name: 'f', arguments: 3 }],
      'input[0].arguments',
    ],
    [[{ type: 'function_call_output', call_id: 'c' }], 'input[0].output'],
    [[{ type: 'custom_tool_call', call_id: 'c', name: 'f' }], 'input[0].input'],
    [[{ role: 'robot', content: 'x' }], 'input[0].role'],
    [[{ role: 'user', content: 5 }], 'input[0].content'],
    [
      [{ role: 'user', content: [{ type: 'input_audio' }] }],
      'input[0].content[0].type',
    ],
    [
      [{ role: 'user', content: [{ type: 'input_image', file_id: 'file_1' }] }],
      'input[0].content[0].image_url',
    ],
    [
      [{ role: 'user', content: [{ type: 'input_text' }] }],
      'input[0].content[0].text',
    ],
    [['just a string'], 'input[0]'],
    [[{}], 'input[0].type'],
  ])('rejects %j with param %s', (items, param) => {
    expect(rejection(items)).toMatchObject({ code: 'invalid_request', param });
  });
});
