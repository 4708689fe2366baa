import { describe, expect, it } from 'vitest';
import type { ChatCompletionRequest } from '../protocol/chat-completion.types.js';
import { toolTurnsAsText } from './tool-turns.mapper.js';

const call = (id: string, name: string, args: string) => ({
  id,
  type: 'function' as const,
  function: { name, arguments: args },
});

describe(toolTurnsAsText.name, () => {
  it('turns a tool conversation into plain user and assistant turns', () => {
    const request: ChatCompletionRequest = {
      model: 'm',
      temperature: 0,
      tools: [{ type: 'function', function: { name: 'get_weather' } }],
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: 'weather in Paris and Rome?' },
        {
          role: 'assistant',
          content: 'Checking.',
          tool_calls: [
            call('call_1', 'get_weather', '{"city":"Paris"}'),
            call('call_2', 'get_weather', '{"city":"Rome"}'),
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: 'sunny' },
        { role: 'tool', tool_call_id: 'call_2', content: 'rain' },
      ],
    };
    const sut = toolTurnsAsText(request);
    expect(sut).toEqual({
      model: 'm',
      temperature: 0,
      tools: request.tools,
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: 'weather in Paris and Rome?' },
        {
          role: 'assistant',
          content:
            'Checking.\n' +
            '<tool_call>{"name":"get_weather","arguments":{"city":"Paris"}}</tool_call>\n' +
            '<tool_call>{"name":"get_weather","arguments":{"city":"Rome"}}</tool_call>',
        },
        {
          role: 'user',
          content: '[tool result name=get_weather call_id=call_1]\nsunny',
        },
        {
          role: 'user',
          content: '[tool result name=get_weather call_id=call_2]\nrain',
        },
      ],
    });
  });

  it('leaves the request itself untouched', () => {
    const request: ChatCompletionRequest = {
      model: 'm',
      messages: [
        {
          role: 'assistant',
          content: null,
          tool_calls: [call('c', 'f', '{}')],
        },
        { role: 'tool', tool_call_id: 'c', content: 'x' },
      ],
    };
    const copy = structuredClone(request);
    toolTurnsAsText(request);
    expect(request).toEqual(copy);
  });

  it('returns a request without tool turns as it is', () => {
    const request: ChatCompletionRequest = {
      model: 'm',
      messages: [{ role: 'user', content: 'hi' }],
    };
    expect(toolTurnsAsText(request)).toBe(request);
  });

  it('keeps arguments that are not JSON as text, and a null content empty', () => {
    const sut = toolTurnsAsText({
      model: 'm',
      messages: [
        {
          role: 'assistant',
          content: null,
          tool_calls: [call('c', 'f', '{bad')],
        },
      ],
    });
    expect(sut.messages[0]).toEqual({
      role: 'assistant',
      content: '<tool_call>{"name":"f","arguments":"{bad"}</tool_call>',
    });
  });

  it('prefers the name a tool message carries, and omits what is unknown', () => {
    const sut = toolTurnsAsText({
      model: 'm',
      messages: [
        { role: 'tool', tool_call_id: 'orphan', name: 'lookup', content: 'a' },
        { role: 'tool', content: 'b' },
      ],
    });
    expect(sut.messages.map((m) => m.content)).toEqual([
      '[tool result name=lookup call_id=orphan]\na',
      '[tool result]\nb',
    ]);
    expect(sut.messages.every((m) => m.role === 'user')).toBe(true);
  });

  it('keeps content parts, adding text parts around them', () => {
    const sut = toolTurnsAsText({
      model: 'm',
      messages: [
        {
          role: 'assistant',
          content: [{ type: 'text', text: 'Let me see.' }],
          tool_calls: [call('c', 'f', '{"a":1}')],
        },
        {
          role: 'tool',
          tool_call_id: 'c',
          content: [{ type: 'text', text: 'result' }],
        },
      ],
    });
    expect(sut.messages).toEqual([
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Let me see.' },
          {
            type: 'text',
            text: '<tool_call>{"name":"f","arguments":{"a":1}}</tool_call>',
          },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'text', text: '[tool result name=f call_id=c]\n' },
          { type: 'text', text: 'result' },
        ],
      },
    ]);
  });
});
