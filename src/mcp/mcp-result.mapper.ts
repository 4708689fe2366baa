import { isRecord } from '../common/is-record.js';
import { knownSecrets } from '../common/logging/secret-redactor.js';
import type { McpImage, McpToolResult } from './mcp.types.js';

/** The parts of a CallToolResult the gateway reads; the SDK validated the rest. */
export interface CallToolResultLike {
  content?: unknown;
  structuredContent?: unknown;
  isError?: unknown;
  /** Servers on protocol 2024-10-07 answer `{ toolResult }` instead. */
  toolResult?: unknown;
}

/**
 * Turns an MCP CallToolResult into text and images a model can take. Pure.
 * Text parts are joined by newlines; embedded resources become their text, or
 * a `[resource uri (mime)]` line for blobs; resource links become a line with
 * the uri; audio becomes a placeholder line. Structured content stands in for
 * the text when a tool returns no content blocks.
 */
export function toMcpToolResult(
  toolName: string,
  result: CallToolResultLike,
): McpToolResult {
  const lines: string[] = [];
  const images: McpImage[] = [];
  const blocks = Array.isArray(result.content)
    ? (result.content as unknown[])
    : [];
  for (const block of blocks) {
    renderBlock(block, lines, images);
  }
  if (lines.length === 0 && result.structuredContent !== undefined) {
    lines.push(JSON.stringify(result.structuredContent));
  }
  if (lines.length === 0 && result.toolResult !== undefined) {
    lines.push(
      typeof result.toolResult === 'string'
        ? result.toolResult
        : JSON.stringify(result.toolResult),
    );
  }
  const isError = result.isError === true;
  if (isError && lines.length === 0) {
    lines.push(`MCP tool ${toolName} reported an error without details`);
  }
  return { isError, text: lines.join('\n'), images, raw: result };
}

/** A failed call as a result the model can read, every known secret redacted. */
export function mcpErrorResult(text: string, raw: unknown): McpToolResult {
  // The text reaches the model, the client and the store: it may quote a
  // server's answer that echoes its token.
  return { isError: true, text: knownSecrets.redact(text), images: [], raw };
}

function renderBlock(
  block: unknown,
  lines: string[],
  images: McpImage[],
): void {
  if (!isRecord(block)) {
    return;
  }
  switch (block.type) {
    case 'text':
      lines.push(stringField(block, 'text') ?? '');
      return;
    case 'image': {
      const data = stringField(block, 'data');
      if (data !== undefined) {
        images.push({
          mediaType:
            stringField(block, 'mimeType') ?? 'application/octet-stream',
          dataBase64: data,
        });
      }
      return;
    }
    case 'audio':
      lines.push(
        `[audio (${stringField(block, 'mimeType') ?? 'unknown type'})]`,
      );
      return;
    case 'resource': {
      const resource = isRecord(block.resource) ? block.resource : {};
      const text = stringField(resource, 'text');
      lines.push(text ?? describeResource(resource));
      return;
    }
    case 'resource_link': {
      const name = stringField(block, 'name');
      const uri = stringField(block, 'uri') ?? '';
      lines.push(
        name ? `[resource link ${name}] ${uri}` : `[resource link] ${uri}`,
      );
      return;
    }
    default:
      lines.push(JSON.stringify(block));
  }
}

function describeResource(resource: Record<string, unknown>): string {
  const uri = stringField(resource, 'uri') ?? 'unknown';
  const mime = stringField(resource, 'mimeType');
  return mime ? `[resource ${uri} (${mime})]` : `[resource ${uri}]`;
}

function stringField(
  record: Record<string, unknown>,
  field: string,
): string | undefined {
  const value = record[field];
  return typeof value === 'string' ? value : undefined;
}
