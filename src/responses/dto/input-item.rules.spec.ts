import { describe, expect, it } from 'vitest';
import { GatewayException } from '../../common/errors/gateway.exception.js';
import { checkInputItems } from './input-item.rules.js';

function rejection(items: unknown[]): GatewayException {
  try {
    checkInputItems(items, 'input');
  } catch (error) {
    if (error instanceof GatewayException) {
      return error;
    }
    throw error;
  }
  throw new Error('expected a GatewayException');
}

describe(checkInputItems.name, () => {
  it('accepts every item the mapping reads, and skips hosted tool items', () => {
    expect(() =>
      checkInputItems(
        [
          { role: 'developer', content: 'rules' },
          {
            type: 'message',
            role: 'user',
            content: [{ type: 'input_text', text: 'q' }],
          },
          {
            type: 'function_call',
            call_id: 'c',
            name: 'f',
            arguments: { a: 1 },
          },
          { type: 'function_call_output', call_id: 'c', output: 'ok' },
          { type: 'custom_tool_call', call_id: 'd', name: 'g', input: 'x' },
          { type: 'reasoning', summary: [{ type: 'summary_text', text: 's' }] },
          { type: 'item_reference', id: 'msg_1' },
          { id: 'msg_2' },
          { type: 'web_search_call', id: 'ws_1', status: 'completed' },
        ],
        'input',
      ),
    ).not.toThrow();
  });

  it('names the list it checks in the param', () => {
    expect(rejection([{ role: 'robot', content: 'x' }]).param).toBe(
      'input[0].role',
    );
    expect(() =>
      checkInputItems([{ role: 'robot', content: 'x' }], 'instructions'),
    ).toThrow(
      expect.objectContaining({
        options: expect.objectContaining({ param: 'instructions[0].role' }),
      }),
    );
  });

  it('refuses a role that is only a property of every object', () => {
    expect(rejection([{ role: 'constructor', content: 'x' }]).param).toBe(
      'input[0].role',
    );
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
