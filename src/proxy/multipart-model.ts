import { GatewayException } from '../common/errors/gateway.exception.js';

/**
 * The `model` field of a multipart/form-data body (RFC 7578), read without
 * copying the body: only the headers of each part and the model's value
 * are decoded. Parts are found as leniently as any parser would (a
 * delimiter at the start of a line, lines ending in CRLF or LF), so no
 * part an upstream reads goes unseen.
 */

const MULTIPART_FORM = /^\s*multipart\/form-data\s*(?:;|$)/i;
const PARAMETER = /;\s*([^\s=;]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))/g;
const DISPOSITION = /^content-disposition\s*:(.*)$/i;
const TRANSFER_ENCODING = /^content-transfer-encoding\s*:\s*(.*?)\s*$/i;
const PLAIN_TRANSFER = new Set(['7bit', '8bit', 'binary']);
const UTF8 = new TextDecoder('utf-8', { fatal: true });
const LF = 0x0a;
const CR = 0x0d;
const DASH = 0x2d;

/**
 * The boundary of a multipart/form-data content type; undefined for any
 * other type, or without a boundary (no upstream can split that body).
 * @throws GatewayException invalid_request when it names two boundaries.
 */
export function formBoundary(contentType: string): string | undefined {
  if (!MULTIPART_FORM.test(contentType)) {
    return undefined;
  }
  const boundaries = parameters(contentType)
    .filter(([name]) => name === 'boundary')
    .map(([, value]) => value);
  if (boundaries.length > 1) {
    throw new GatewayException(
      'invalid_request',
      'The content-type names more than one multipart boundary.',
    );
  }
  return boundaries[0] || undefined;
}

/**
 * The value of the part named exactly `model` (case-sensitive, by `name`
 * or by an RFC 5987 `name*`), undefined without one.
 * @throws GatewayException invalid_request (two `model` parts, a value not
 * in UTF-8), unsupported_media_type (a transfer-encoded model part).
 */
export function multipartModel(
  bytes: Buffer,
  boundary: string,
): string | undefined {
  const values: Buffer[] = [];
  for (const part of formParts(bytes, Buffer.from(`--${boundary}`, 'latin1'))) {
    const lines = part.headers.split(/\r?\n/);
    if (lines.some(namesModel)) {
      assertPlainTransfer(lines);
      values.push(part.value);
    }
  }
  if (values.length > 1) {
    throw ambiguousModel();
  }
  return values[0] === undefined ? undefined : fieldText(values[0]);
}

/** The error of a body naming `model` more than once. */
export function ambiguousModel(): GatewayException {
  return new GatewayException(
    'invalid_request',
    'The request body names model more than once.',
    { param: 'model', openAiCode: 'duplicate_model' },
  );
}

/** A form field's value as UTF-8. @throws GatewayException when it is not. */
function fieldText(bytes: Uint8Array): string {
  try {
    return UTF8.decode(bytes);
  } catch {
    throw new GatewayException(
      'invalid_request',
      'The form field model is not UTF-8.',
      { param: 'model' },
    );
  }
}

/** Each part's headers (latin1, as sent) and its value, in order. */
function* formParts(
  bytes: Buffer,
  delimiter: Buffer,
): Generator<{ headers: string; value: Buffer }> {
  let at = nextDelimiter(bytes, delimiter, 0);
  while (at >= 0) {
    const start = at + delimiter.length;
    if (bytes[start] === DASH && bytes[start + 1] === DASH) {
      return; // the close delimiter: what follows is the epilogue
    }
    const next = nextDelimiter(bytes, delimiter, start);
    const part = bytes.subarray(
      start,
      next < 0 ? bytes.length : lineBreakBefore(bytes, next),
    );
    const blank = blankLine(part);
    if (blank !== undefined) {
      yield {
        headers: part.toString('latin1', 0, blank.headersEnd),
        value: part.subarray(blank.valueStart),
      };
    }
    at = next;
  }
}

/** The next `delimiter` at the start of a line, from `from`; -1 if none. */
function nextDelimiter(bytes: Buffer, delimiter: Buffer, from: number): number {
  for (let at = bytes.indexOf(delimiter, from); at >= 0;) {
    if (at === 0 || bytes[at - 1] === LF) {
      return at;
    }
    at = bytes.indexOf(delimiter, at + 1);
  }
  return -1;
}

/** Where the line break before the line starting at `lineStart` begins. */
function lineBreakBefore(bytes: Buffer, lineStart: number): number {
  return bytes[lineStart - 2] === CR ? lineStart - 2 : lineStart - 1;
}

/** The end of a part's headers and the start of its value: at its first empty line. */
function blankLine(
  part: Buffer,
): { headersEnd: number; valueStart: number } | undefined {
  for (let at = part.indexOf(LF); at >= 0; at = part.indexOf(LF, at + 1)) {
    const next = part[at + 1] === CR ? at + 2 : at + 1;
    if (part[next] === LF) {
      const headersEnd = part[at - 1] === CR ? at - 1 : at;
      return { headersEnd, valueStart: next + 1 };
    }
  }
  return undefined;
}

/** Whether a header line is a Content-Disposition naming `model`. */
function namesModel(line: string): boolean {
  const disposition = DISPOSITION.exec(line)?.[1];
  return (
    disposition !== undefined &&
    parameters(disposition).some(
      ([name, value]) =>
        (name === 'name' && value === 'model') ||
        (name === 'name*' && extendedValue(value) === 'model'),
    )
  );
}

/** A model part that a parser would decode first (base64…) is not read. */
function assertPlainTransfer(lines: readonly string[]): void {
  for (const line of lines) {
    const encoding = TRANSFER_ENCODING.exec(line)?.[1]?.toLowerCase();
    if (encoding !== undefined && !PLAIN_TRANSFER.has(encoding)) {
      throw new GatewayException(
        'unsupported_media_type',
        'The model part of a form may not have a content-transfer-encoding.',
        { param: 'model', openAiCode: 'unsupported_content_encoding' },
      );
    }
  }
}

/** The `;`-parameters of a header value, names lower-cased, values unquoted. */
function parameters(header: string): Array<[string, string]> {
  return [...header.matchAll(PARAMETER)].map(([, name, quoted, token]) => [
    name!.toLowerCase(),
    quoted === undefined ? token!.trim() : quoted.replace(/\\(.)/g, '$1'),
  ]);
}

/** An RFC 5987 value (`utf-8''mod%65l`) decoded; as it is when malformed. */
function extendedValue(value: string): string {
  const encoded = /^[^']*'[^']*'(.*)$/s.exec(value)?.[1];
  try {
    return encoded === undefined ? value : decodeURIComponent(encoded);
  } catch {
    return value;
  }
}
