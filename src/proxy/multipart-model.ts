import { GatewayException } from '../common/errors/gateway.exception.js';

/**
 * The `model` field of a multipart/form-data body (RFC 7578), read without
 * copying the body: only the headers of each part and the model's value
 * are decoded. Upstream parsers differ on sloppy framing (bare LF line
 * breaks, a preamble, text after the close delimiter, RFC 2231 parameters,
 * folded headers), so such a body is refused rather than read one way while
 * an upstream reads it another: only strict CRLF framing is accepted.
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
const CRLF = Buffer.from('\r\n');
const HEADERS_END = Buffer.from('\r\n\r\n');

/**
 * The boundary of a multipart/form-data content type; undefined for any
 * other type, or without a boundary (no upstream can split that body).
 * @throws GatewayException invalid_request when it names two boundaries.
 */
export function formBoundary(contentType: string): string | undefined {
  if (!MULTIPART_FORM.test(contentType)) {
    return undefined;
  }
  const params = parameters(contentType);
  assertNoExtendedParameters(params, 'content-type');
  const boundaries = params
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
 * The value of the part named exactly `model` (case-sensitive), undefined
 * without one.
 * @throws GatewayException invalid_request (framing that is not strict,
 * two `model` parts, a value not in UTF-8), unsupported_media_type (a
 * transfer-encoded model part).
 */
export function multipartModel(
  bytes: Buffer,
  boundary: string,
): string | undefined {
  const values: Buffer[] = [];
  for (const part of formParts(bytes, Buffer.from(`--${boundary}`, 'latin1'))) {
    const lines = headerLines(part.headers);
    if (namesModel(lines)) {
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
  dashBoundary: Buffer,
): Generator<{ headers: string; value: Buffer }> {
  const delimiters = delimiterLines(bytes, dashBoundary);
  for (let i = 0; i + 1 < delimiters.length; i += 1) {
    // A delimiter line is `--boundary` CRLF; the CRLF before the next one is its own.
    const part = bytes.subarray(
      delimiters[i]! + dashBoundary.length + 2,
      delimiters[i + 1]! - 2,
    );
    const headersEnd = part.subarray(0, 2).equals(CRLF)
      ? 0
      : part.indexOf(HEADERS_END);
    if (headersEnd < 0) {
      throw unreadableForm('a part has no end of headers');
    }
    yield {
      headers: part.toString('latin1', 0, headersEnd),
      value: part.subarray(headersEnd === 0 ? 2 : headersEnd + 4),
    };
  }
}

/**
 * Where each delimiter line starts. Every line starting with
 * `--boundary` must be a delimiter in strict form: the first at the very
 * start (no preamble), each after a CRLF and followed by CRLF, the last
 * `--boundary--` followed by nothing or a CRLF only.
 * @throws GatewayException invalid_request otherwise.
 */
function delimiterLines(bytes: Buffer, dashBoundary: Buffer): number[] {
  if (!bytes.subarray(0, dashBoundary.length).equals(dashBoundary)) {
    throw unreadableForm('the body does not start with its boundary');
  }
  const found: number[] = [];
  for (let at = 0; at >= 0; at = bytes.indexOf(dashBoundary, at + 1)) {
    const lineStart = at === 0 || bytes[at - 1] === LF || bytes[at - 1] === CR;
    if (!lineStart) {
      continue; // not at a line's start: part of a value
    }
    if (at > 0 && !(bytes[at - 1] === LF && bytes[at - 2] === CR)) {
      throw unreadableForm('a boundary line follows a bare line break');
    }
    const tail = bytes.subarray(at + dashBoundary.length);
    if (tail[0] === DASH && tail[1] === DASH) {
      const epilogue = tail.subarray(2);
      if (epilogue.length > 0 && !epilogue.equals(CRLF)) {
        throw unreadableForm('text follows the close delimiter');
      }
      return [...found, at];
    }
    if (!tail.subarray(0, 2).equals(CRLF)) {
      throw unreadableForm('a boundary line does not end in CRLF');
    }
    found.push(at);
  }
  throw unreadableForm('the body has no close delimiter');
}

/**
 * A part's header lines, which must end in CRLF, with no bare CR or LF
 * and no folded (continued) line.
 */
function headerLines(headers: string): string[] {
  if (headers === '') {
    return [];
  }
  const lines = headers.split('\r\n');
  if (lines.some((line) => /[\r\n]|^[ \t]/.test(line))) {
    throw unreadableForm('a part header has a bare line break or is folded');
  }
  return lines;
}

/**
 * Whether a part's Content-Disposition names `model`. A part with two of
 * them, or one with an RFC 2231 parameter (`name*`), is refused.
 */
function namesModel(lines: readonly string[]): boolean {
  const dispositions = lines.flatMap((line) => {
    const value = DISPOSITION.exec(line)?.[1];
    return value === undefined ? [] : [value];
  });
  if (dispositions.length > 1) {
    throw unreadableForm('a part has two Content-Disposition headers');
  }
  if (dispositions[0] === undefined) {
    return false;
  }
  const params = parameters(dispositions[0]);
  assertNoExtendedParameters(params, 'Content-Disposition');
  return params.some(([name, value]) => name === 'name' && value === 'model');
}

/** Parsers that decode RFC 2231 parameters (`name*0`, `boundary*`) and those that do not disagree. */
function assertNoExtendedParameters(
  params: ReadonlyArray<[string, string]>,
  header: string,
): void {
  if (params.some(([name]) => name.includes('*'))) {
    throw unreadableForm(`the ${header} has an RFC 2231 parameter (name*)`);
  }
}

function unreadableForm(what: string): GatewayException {
  return new GatewayException(
    'invalid_request',
    `This API key may only send multipart forms in strict CRLF framing: ${what}.`,
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
