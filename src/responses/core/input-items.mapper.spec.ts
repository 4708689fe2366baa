import { describe, expect, it } from 'vitest';
import { toChatMessages } from './input-items.mapper.js';
import type { ResponseInputItem } from '../../protocol/responses.types.js';

// Items as the request's DTO let them through (input-item.rules.spec.ts has
// the refusals), item references resolved (input-items.spec.ts).
function sut(items: unknown[]): ReturnType<typeof toChatMessages> {
  return toChatMessages(items as ResponseInputItem[]);
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
});
