import { describe, expect, it } from 'vitest';
import { mcpErrorResult, toMcpToolResult } from './mcp-result.mapper.js';

describe(toMcpToolResult.name, () => {
  it('joins text parts and keeps images with their media type', () => {
    const raw = {
      content: [
        { type: 'text', text: 'first' },
        { type: 'image', data: 'iVBORw0=', mimeType: 'image/png' },
        { type: 'text', text: 'second' },
      ],
    };
    expect(toMcpToolResult('t', raw)).toEqual({
      isError: false,
      text: 'first\nsecond',
      images: [{ mediaType: 'image/png', dataBase64: 'iVBORw0=' }],
      raw,
    });
  });

  it('renders embedded resources, blobs, links and audio as lines', () => {
    const sut = toMcpToolResult('t', {
      content: [
        {
          type: 'resource',
          resource: {
            uri: 'file:///a.txt',
            mimeType: 'text/plain',
            text: 'hello',
          },
        },
        {
          type: 'resource',
          resource: {
            uri: 'file:///b.bin',
            mimeType: 'application/zip',
            blob: 'UEsD',
          },
        },
        { type: 'resource_link', uri: 'demo://resource/1', name: 'Resource 1' },
        { type: 'audio', data: 'AAAA', mimeType: 'audio/wav' },
      ],
    });
    expect(sut.text.split('\n')).toEqual([
      'hello',
      '[resource file:///b.bin (application/zip)]',
      '[resource link Resource 1] demo://resource/1',
      '[audio (audio/wav)]',
    ]);
  });

  it('uses structured content when a tool returns no content blocks', () => {
    expect(
      toMcpToolResult('t', { content: [], structuredContent: { sum: 3 } }).text,
    ).toBe('{"sum":3}');
  });

  it('keeps isError and explains an error without text', () => {
    expect(
      toMcpToolResult('t', {
        isError: true,
        content: [{ type: 'text', text: 'no such file' }],
      }),
    ).toMatchObject({
      isError: true,
      text: 'no such file',
    });
    expect(toMcpToolResult('t', { isError: true, content: [] }).text).toBe(
      'MCP tool t reported an error without details',
    );
  });

  it('reads the toolResult of protocol 2024-10-07 servers', () => {
    expect(toMcpToolResult('t', { toolResult: { ok: true } }).text).toBe(
      '{"ok":true}',
    );
  });
});

describe(mcpErrorResult.name, () => {
  it('is an error result with the text and no images', () => {
    const cause = new Error('x');
    expect(mcpErrorResult('failed', cause)).toEqual({
      isError: true,
      text: 'failed',
      images: [],
      raw: cause,
    });
  });
});
