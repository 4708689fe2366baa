import { describe, expect, it } from 'vitest';
import { toolResultMessages } from './tool-result-messages.js';

describe(toolResultMessages.name, () => {
  it('gives each result a tool message and the images one user message after them', () => {
    const sut = toolResultMessages([
      {
        callId: 'call_1',
        result: { isError: false, text: 'plain', images: [], raw: null },
      },
      {
        callId: 'call_2',
        result: { isError: true, text: 'it broke', images: [], raw: null },
      },
      {
        callId: 'call_3',
        result: {
          isError: false,
          text: '',
          images: [{ mediaType: 'image/png', dataBase64: 'AAAA' }],
          raw: null,
        },
      },
    ]);
    expect(sut).toEqual([
      { role: 'tool', tool_call_id: 'call_1', content: 'plain' },
      { role: 'tool', tool_call_id: 'call_2', content: 'Error: it broke' },
      {
        role: 'tool',
        tool_call_id: 'call_3',
        content:
          'The tool returned 1 image(s); they follow in the next message.',
      },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Images returned by tool call call_3:' },
          {
            type: 'image_url',
            image_url: { url: 'data:image/png;base64,AAAA' },
          },
        ],
      },
    ]);
  });
});
