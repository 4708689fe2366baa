import { isRecord } from '../../common/is-record.js';
import type { ChatContentPart } from '../../protocol/chat-completion.types.js';
import { stringField } from './input-item-fields.js';

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
 * Maps a message's `content` (a string or Responses content parts, checked
 * by the request's DTO) to chat content. Text-only content collapses to one
 * string joined by newlines, which every backend's chat template accepts
 * (some reject part arrays for `system`/`assistant`).
 */
export function toChatContent(content: unknown): ChatContent {
  if (typeof content === 'string') {
    return content;
  }
  return collapseText(chatParts(content));
}

/**
 * Maps a `function_call_output`/`custom_tool_call_output` `output`. Chat
 * `tool` messages carry text only, so images and files come back separately.
 */
export function toToolOutput(output: unknown): ToolOutputContent {
  if (typeof output === 'string') {
    return { text: output, media: [] };
  }
  const texts: string[] = [];
  const media: ChatContentPart[] = [];
  for (const part of chatParts(output)) {
    if (part.type === 'text') {
      texts.push(String(part['text']));
    } else {
      media.push(part);
    }
  }
  return { text: texts.join('\n'), media };
}

function chatParts(parts: unknown): ChatContentPart[] {
  return Array.isArray(parts)
    ? parts.filter(isRecord).map((part) => toChatPart(part))
    : [];
}

function toChatPart(part: Record<string, unknown>): ChatContentPart {
  switch (part['type']) {
    case 'refusal':
      // Sent back as text: few open backends know chat's `refusal` part.
      return { type: 'text', text: stringField(part, 'refusal') ?? '' };
    case 'input_image':
      return toImagePart(part);
    case 'input_file':
      return toFilePart(part);
    default:
      // input_text, output_text, text. `annotations`, `logprobs`, `id`,
      // `status` on echoed output parts are ignored.
      return { type: 'text', text: stringField(part, 'text') ?? '' };
  }
}

function toImagePart(part: Record<string, unknown>): ChatContentPart {
  const url = stringField(part, 'image_url') ?? '';
  const detail = stringField(part, 'detail');
  return {
    type: 'image_url',
    image_url:
      detail !== undefined && CHAT_IMAGE_DETAILS.has(detail)
        ? { url, detail }
        : { url },
  };
}

function toFilePart(part: Record<string, unknown>): ChatContentPart {
  const file: Record<string, string> = {};
  for (const key of ['file_data', 'file_id', 'filename', 'file_url']) {
    const value = stringField(part, key);
    if (value !== undefined) {
      file[key] = value;
    }
  }
  return { type: 'file', file };
}

function collapseText(parts: ChatContentPart[]): ChatContent {
  if (parts.every((part) => part.type === 'text')) {
    return parts.map((part) => String(part['text'])).join('\n');
  }
  return parts;
}
