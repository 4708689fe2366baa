import { describe, expect, it } from 'vitest';
import { demoTurn } from './demo-model.js';

describe(demoTurn.name, () => {
  it('echoes the last user message and remembers the first', () => {
    expect(
      demoTurn({ messages: [{ role: 'user', content: 'hello' }] }),
    ).toMatchObject({
      kind: 'text',
      text: '[demo model, turn 1] You said: hello',
    });
    const later = demoTurn({
      messages: [
        { role: 'user', content: 'first' },
        { role: 'assistant', content: 'ok' },
        { role: 'user', content: [{ type: 'text', text: 'second' }] },
      ],
    });
    expect(later).toMatchObject({
      text: '[demo model, turn 2] You said: second Earlier you said: first',
    });
  });

  it('calls a declared tool the user names, with the quoted argument', () => {
    const turn = demoTurn({
      messages: [{ role: 'user', content: 'call get_weather for "Oslo"' }],
      tools: [{ function: { name: 'get_weather' } }],
    });
    expect(turn).toEqual({
      kind: 'tool_call',
      name: 'get_weather',
      arguments: '{"message":"Oslo","city":"Oslo"}',
    });
  });

  it('calls an MCP tool offered as <server>__<tool> when the user names the tool', () => {
    const turn = demoTurn({
      messages: [{ role: 'user', content: 'Use the echo tool to say "hi"' }],
      tools: [
        { function: { name: 'get-sum' } },
        { function: { name: 'everything__echo' } },
      ],
    });
    expect(turn).toMatchObject({
      kind: 'tool_call',
      name: 'everything__echo',
      arguments: expect.stringContaining('"message":"hi"'),
    });
  });

  it('answers from a tool result', () => {
    const turn = demoTurn({
      messages: [
        { role: 'user', content: 'x' },
        { role: 'tool', content: '21C' },
      ],
    });
    expect(turn).toEqual({
      kind: 'text',
      text: '[demo model] The tool answered: 21C',
    });
  });
});
