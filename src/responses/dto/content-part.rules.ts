import {
  invalidRequest,
  optionalString,
  requireRecord,
} from '../../common/http/field-guards.js';

/**
 * Checks a message's `content`, or a tool call output's `output`: a string,
 * or content parts the mapping can send to a Chat Completions backend.
 */
export function checkContentParts(content: unknown, param: string): void {
  if (typeof content === 'string') {
    return;
  }
  if (!Array.isArray(content)) {
    throw invalidRequest(
      param,
      `Invalid '${param}': expected a string or an array of content parts.`,
    );
  }
  content.forEach((part, index) => checkPart(part, `${param}[${index}]`));
}

function checkPart(value: unknown, param: string): void {
  const part = requireRecord(value, param);
  const type = part['type'];
  switch (type) {
    case 'input_text':
    case 'output_text':
    case 'text':
      return checkText(part, 'text', `${param}.text`);
    case 'refusal':
      return checkText(part, 'refusal', `${param}.refusal`);
    case 'input_image':
      return checkImagePart(part, param);
    case 'input_file':
      return checkFilePart(part, param);
    default:
      throw invalidRequest(
        `${param}.type`,
        `Invalid '${param}.type': unsupported content part type ${JSON.stringify(type)}.`,
      );
  }
}

function checkText(
  part: Record<string, unknown>,
  key: string,
  param: string,
): void {
  if (typeof part[key] !== 'string') {
    throw invalidRequest(param, `Invalid '${param}': expected a string.`);
  }
}

function checkImagePart(part: Record<string, unknown>, param: string): void {
  const url = optionalString(part, 'image_url', `${param}.image_url`);
  if (url === undefined || url === '') {
    throw invalidRequest(
      `${param}.image_url`,
      `Invalid '${param}.image_url': a URL or data URL is required; file_id images cannot be sent to a Chat Completions backend.`,
    );
  }
  optionalString(part, 'detail', `${param}.detail`);
}

function checkFilePart(part: Record<string, unknown>, param: string): void {
  const file: Record<string, string | undefined> = {};
  for (const key of ['file_data', 'file_id', 'filename', 'file_url']) {
    file[key] = optionalString(part, key, `${param}.${key}`);
  }
  if (!file['file_data'] && !file['file_id'] && !file['file_url']) {
    throw invalidRequest(
      param,
      `Invalid '${param}': input_file needs file_data, file_url or file_id.`,
    );
  }
}
