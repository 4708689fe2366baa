import { describe, expect, it } from 'vitest';
import { GatewayException } from '../common/errors/gateway.exception.js';
import { formatToolCall } from './agent-format.js';
import {
  AGENT_FORMAT_PATTERN,
  parseAgentFormat,
  type AgentFormat,
} from '../config/agent-format-setting.js';
import {
  requestAgentFormat,
  withoutAgentFormat,
} from './request-agent-format.js';

type TagFormat = Extract<AgentFormat, { kind: 'tags' }>;
const tags = (value: string): TagFormat => parseAgentFormat(value) as TagFormat;
const call = { name: 'get_weather', arguments: '{"city":"Paris","n":1.50}' };

describe(parseAgentFormat.name, () => {
  it.each([
    [
      'xml',
      '<tool_call>{"name": "get_weather", "arguments": {"city":"Paris","n":1.50}}</tool_call>',
    ],
    [
      'llama3',
      '<function_call>{"name": "get_weather", "arguments": {"city":"Paris","n":1.50}}</function_call>',
    ],
    [
      'qwen3',
      '<|tool_call|>{"name": "get_weather", "arguments": {"city":"Paris","n":1.50}}</|tool_call|>',
    ],
    [
      'gemma',
      '```tool_code\n{"name": "get_weather", "arguments": {"city":"Paris","n":1.50}}\n```',
    ],
    [
      '[[CALL]],[[/CALL]]',
      '[[CALL]]{"name": "get_weather", "arguments": {"city":"Paris","n":1.50}}[[/CALL]]',
    ],
  ])(
    '%s writes each call between its tags, arguments byte for byte',
    (value, expected) => {
      expect(formatToolCall(tags(value), call)).toBe(expected);
    },
  );

  it('knows openai and passthrough, case-insensitively', () => {
    expect(parseAgentFormat(' OpenAI ')).toEqual({ kind: 'openai' });
    expect(parseAgentFormat('passthrough')).toEqual({ kind: 'passthrough' });
  });

  it.each(['', 'yaml', ',END', 'START,', ' , '])('refuses %j', (value) => {
    expect(parseAgentFormat(value)).toBeUndefined();
    expect(AGENT_FORMAT_PATTERN.test(value)).toBe(false);
  });

  it('writes empty arguments as {} and non-JSON arguments as a string', () => {
    const xml = tags('xml');
    expect(formatToolCall(xml, { name: 'f', arguments: '' })).toBe(
      '<tool_call>{"name": "f", "arguments": {}}</tool_call>',
    );
    expect(formatToolCall(xml, { name: 'f', arguments: 'oops' })).toBe(
      '<tool_call>{"name": "f", "arguments": "oops"}</tool_call>',
    );
  });
});

describe(requestAgentFormat.name, () => {
  const fallback: AgentFormat = { kind: 'openai' };

  it('takes the body field over the header over the default', () => {
    expect(requestAgentFormat('xml', 'llama3', fallback)).toMatchObject({
      name: 'xml',
    });
    expect(requestAgentFormat(undefined, 'llama3', fallback)).toMatchObject({
      name: 'llama3',
    });
    expect(requestAgentFormat(undefined, undefined, fallback)).toBe(fallback);
  });

  it('answers an unknown value with a 400 naming the field', () => {
    const sut = (): AgentFormat =>
      requestAgentFormat('yaml', undefined, fallback);
    expect(sut).toThrow(GatewayException);
    expect(sut).toThrow(/agent_format/);
    expect(() => requestAgentFormat(undefined, 'nope', fallback)).toThrow(
      /x-tool-call-format/,
    );
  });

  it('removes agent_format from the body it forwards', () => {
    expect(withoutAgentFormat({ model: 'm', agent_format: 'xml' })).toEqual({
      model: 'm',
    });
  });
});
