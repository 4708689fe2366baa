import { describe, expect, it } from 'vitest';
import { expectWellFormedStream } from './messages-event-order.js';
import { streamEventProblems } from './messages-events.js';
import type { StreamEvent } from './messages-sdk.js';

const START = {
  type: 'message_start',
  message: {
    id: 'msg_1',
    type: 'message',
    role: 'assistant',
    model: 'm',
    content: [],
    stop_reason: null,
    stop_sequence: null,
    usage: {
      input_tokens: 0,
      output_tokens: 0,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
    },
  },
};
const END = [
  {
    type: 'message_delta',
    delta: { stop_reason: 'end_turn', stop_sequence: null },
    usage: { input_tokens: 3, output_tokens: 2 },
  },
  { type: 'message_stop' },
];
const TEXT = [
  {
    type: 'content_block_start',
    index: 0,
    content_block: { type: 'text', text: '' },
  },
  {
    type: 'content_block_delta',
    index: 0,
    delta: { type: 'text_delta', text: 'Hi' },
  },
  { type: 'content_block_stop', index: 0 },
];
const TOOL = [
  {
    type: 'content_block_start',
    index: 1,
    content_block: { type: 'tool_use', id: 'toolu_x', name: 'f', input: {} },
  },
  {
    type: 'content_block_delta',
    index: 1,
    delta: { type: 'input_json_delta', partial_json: '{"a":' },
  },
  {
    type: 'content_block_delta',
    index: 1,
    delta: { type: 'input_json_delta', partial_json: '1}' },
  },
  { type: 'content_block_stop', index: 1 },
];

const stream = (...events: unknown[]) => events as StreamEvent[];

describe('the Messages stream checks of the e2e specs', () => {
  it('accept a well-formed stream and fold its blocks', () => {
    expect(
      expectWellFormedStream(stream(START, ...TEXT, ...TOOL, ...END)),
    ).toEqual([
      { type: 'text', text: 'Hi' },
      { type: 'tool_use', id: 'toolu_x', name: 'f', input: { a: 1 } },
    ]);
  });

  it.each([
    [
      'a message_start without usage',
      { ...START, message: { ...START.message, usage: undefined } },
    ],
    [
      'a message with content at the start',
      { ...START, message: { ...START.message, content: [{}] } },
    ],
    [
      'an unknown stop reason',
      { ...END[0], delta: { stop_reason: 'done', stop_sequence: null } },
    ],
    ['a negative index', { ...TEXT[2], index: -1 }],
    [
      'a tool_use id not toolu_',
      {
        ...TOOL[0],
        content_block: { type: 'tool_use', id: 'call_1', name: 'f', input: {} },
      },
    ],
    [
      'a delta of unknown type',
      { ...TEXT[1], delta: { type: 'text', text: 'x' } },
    ],
    ['a ping (not a RawMessageStreamEvent)', { type: 'ping' }],
  ])('report %s', (_name, event) => {
    expect(streamEventProblems(event)).not.toEqual([]);
  });

  it.each([
    ['interleaved blocks', [START, TEXT[0], ...TOOL, TEXT[1], TEXT[2], ...END]],
    ['indexes not from 0', [START, ...TOOL, ...END]],
    [
      'a thinking block without its signature',
      [
        START,
        {
          type: 'content_block_start',
          index: 0,
          content_block: { type: 'thinking', thinking: '', signature: '' },
        },
        {
          type: 'content_block_delta',
          index: 0,
          delta: { type: 'thinking_delta', thinking: 'hm' },
        },
        { type: 'content_block_stop', index: 0 },
        ...END,
      ],
    ],
    [
      'tool input that is not JSON',
      [START, ...TEXT, ...TOOL.slice(0, 2), TOOL[3], ...END],
    ],
    ['no message_stop', [START, ...TEXT, END[0]]],
  ])('fail %s', (_name, events) => {
    expect(() => expectWellFormedStream(stream(...events))).toThrow();
  });
});
