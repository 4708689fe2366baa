import { describe, expect, it } from 'vitest';
import {
  clientToolNames,
  type OfferedTool,
  RequestToolset,
  wantsMcpTools,
} from './request-toolset.js';

const offered: OfferedTool = {
  exposedName: 'get-sum',
  serverLabel: 'everything',
  toolName: 'get-sum',
  requiresApproval: false,
  description: 'Adds',
  inputSchema: { type: 'object', properties: { a: { type: 'number' } } },
  call: () =>
    Promise.resolve({ isError: false, text: '', images: [], raw: null }),
};

describe(wantsMcpTools.name, () => {
  it.each([
    [undefined, undefined, true],
    ['on', 'auto', true],
    ['off', undefined, false],
    [' OFF ', undefined, false],
    [['false'], undefined, false],
    [undefined, 'none', false],
  ])('header %j, tool_choice %j → %s', (header, choice, expected) => {
    expect(wantsMcpTools(header, choice)).toBe(expected);
  });
});

describe(clientToolNames.name, () => {
  it('reads the function names and ignores malformed entries', () => {
    expect(
      clientToolNames([{ function: { name: 'a' } }, null, { type: 'x' }]),
    ).toEqual(new Set(['a']));
    expect(clientToolNames('nope')).toEqual(new Set());
  });
});

describe(RequestToolset.name, () => {
  it('adds its tools after the client tools, the input schema as parameters', () => {
    const sut = new RequestToolset([offered], []);
    const client = { type: 'function' as const, function: { name: 'mine' } };
    expect(
      sut.addTo({ model: 'm', messages: [], tools: [client] }).tools,
    ).toEqual([
      client,
      {
        type: 'function',
        function: {
          name: 'get-sum',
          description: 'Adds',
          parameters: offered.inputSchema,
        },
      },
    ]);
  });

  it('finds offered tools by name, others through the fallback', () => {
    const other = { ...offered, exposedName: 'srv__x' };
    const sut = new RequestToolset([offered], [], (name) =>
      name === 'srv__x' ? other : undefined,
    );
    expect(sut.find('get-sum')).toBe(offered);
    expect(sut.find('srv__x')).toBe(other);
    expect(sut.find('get_weather')).toBeUndefined();
    expect(new RequestToolset([], []).active).toBe(false);
  });
});
