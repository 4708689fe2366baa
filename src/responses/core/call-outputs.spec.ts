import { describe, expect, it } from 'vitest';
import { checkCallOutputs } from './call-outputs.js';

const call = {
  type: 'function_call',
  call_id: 'call_1',
  name: 'f',
  arguments: '{}',
};

describe(checkCallOutputs.name, () => {
  it('accepts an output answering a call of the history', () => {
    expect(() =>
      checkCallOutputs(
        [call],
        [{ type: 'function_call_output', call_id: 'call_1', output: 'x' }],
      ),
    ).not.toThrow();
  });

  it('accepts an output answering a call earlier in the input', () => {
    expect(() =>
      checkCallOutputs(
        [],
        [
          { ...call, call_id: 'call_2' },
          { type: 'function_call_output', call_id: 'call_2', output: 'x' },
        ],
      ),
    ).not.toThrow();
  });

  it('refuses an output whose call_id matches no call', () => {
    expect(() =>
      checkCallOutputs(
        [call],
        [
          { type: 'message', role: 'user', content: 'hi' },
          { type: 'custom_tool_call_output', call_id: 'nope', output: 'x' },
        ],
      ),
    ).toThrow(expect.objectContaining({ param: 'input[1].call_id' }));
  });
});
