import type { ChatContentPart } from '../../protocol/chat-completion.types.js';
import { invalidRequest, isRecord, optionalString } from './request-guards.js';

/** Chat content for one message: a string when every part is text. */
export type ChatContent = string | ChatContentPart[];

/** A tool result split into the text a `tool` message can carry and its media parts. */
export interface ToolOutputContent {
  text: string;
  media: ChatContentPart[];
}

// Chat image detail knows only these; Responses adds `original`, which is dropped.
const CHAT_IMAGE_DETAILS = new Set(['low', 'high', 'auto']);

/**
 * Maps a message's `content` (a string or Responses content parts) to chat
 * content. Text-only content collapses to one string joined by newlines, which
 * every backend's chat template accepts (some reject part arrays for
 * `system`/`assistant`).
 */
export function toChatContent(content: unknown, param: string): ChatContent {
  if (typeof content === 'string') {
    return content;
  }
  if (!Array.isArray(content)) {
    throw invalidRequest(
      param,
      `Invalid '${param}': expected a string or an array of content parts.`,
    );
  }
  const parts = content.map((part, index) =>
    toChatPart(part, `${param}[${index}]`),
  );
  return collapseText(parts);
}

/**
 * Maps a `function_call_output`/`custom_tool_call_output` `output`. Chat
 * `tool` messages carry text only, so images and files come back separately.
 */
export function toToolOutput(
  output: unknown,
  param: string,
): ToolOutputContent {
  if (typeof output === 'string') {
    return { text: output, media: [] };
  }
  if (!Array.isArray(output)) {
    throw invalidRequest(
      param,
      `Invalid '${param}': expected a string or an array of content parts.`,
    );
  }
  const texts: string[] = [];
  const media: ChatContentPart[] = [];
  output.forEach((part, index) => {
    const mapped = toChatPart(part, `${param}[${index}]`);
    if (mapped.type === 'text') {
      texts.push(String(mapped['text']));
    } else {
      media.push(mapped);
    }
  });
  return { text: texts.join('\n'), media };
}

function toChatPart(part: unknown, param: string): ChatContentPart {
  if (!isRecord(part)) {
    throw invalidRequest(param, `Invalid '${param}': expected an object.`);
  }
  const type = part['type'];
  switch (type) {
    case 'input_text':
    case 'output_text':
    case 'text':
      // `annotations`, `logprobs`, `id`, `status` on echoed output parts are ignored.
      return { type: 'text', text: readText(part, 'text', `${param}.text`) };
    case 'refusal':
      // Sent back as text: few open backends know chat's `refusal` part.
      return {
        type: 'text',
        text: readText(part, 'refusal', `${param}.refusal`),
      };
    case 'input_image':
      return toImagePart(part, param);
    case 'input_file':
      return toFilePart(part, param);
    default:
      throw invalidRequest(
        `${param}.type`,
        `Invalid '${param}.type': unsupported content part type ${JSON.stringify(type)}.`,
      );
  }
}

function readText(
  part: Record<string, unknown>,
  key: string,
  param: string,
): string {
  const value = part[key];
  if (typeof value !== 'string') {
    throw invalidRequest(param, `Invalid '${param}': expected a string.`);
  }
  return value;
}

function toImagePart(
  part: Record<string, unknown>,
  param: string,
): ChatContentPart {
  const url = optionalString(part, 'image_url', `${param}.image_url`);
  if (url === undefined || url === '') {
    throw invalidRequest(
      `${param}.image_url`,
      `Invalid '${param}.image_url': a URL or data URL is required; file_id images cannot be sent to a Chat Completions backend.`,
    );
  }
  const detail = optionalString(part, 'detail', `${param}.detail`);
  return {
    type: 'image_url',
    image_url:
      detail !== undefined && CHAT_IMAGE_DETAILS.has(detail)
        ? { url, detail }
        : { url },
  };
}

function toFilePart(
  part: Record<string, unknown>,
  param: string,
): ChatContentPart {
  const file: Record<string, string> = {};
  for (const key of ['file_data', 'file_id', 'filename', 'file_url']) {
    const value = optionalString(part, key, `${param}.${key}`);
    if (value !== undefined) {
      file[key] = value;
    }
  }
  if (!file['file_data'] && !file['file_id'] && !file['file_url']) {
    throw invalidRequest(
      param,
      `Invalid '${param}': input_file needs file_data, file_url or file_id.`,
    );
  }
  return { type: 'file', file };
}

function collapseText(parts: ChatContentPart[]): ChatContent {
  if (parts.every((part) => part.type === 'text')) {
    return parts.map((part) => String(part['text'])).join('\n');
  }
  return parts;
}
