import type { IncomingHttpHeaders } from 'node:http';
import { GatewayException } from '../common/errors/gateway.exception.js';
import { isRecord } from '../common/is-record.js';
import {
  ambiguousModel,
  formBoundary,
  multipartModel,
} from './multipart-model.js';

/**
 * The `model` a pass-through body names, read the way upstreams read it,
 * for a key whose models are checked. A body the gateway cannot read
 * reliably is refused rather than forwarded unchecked: a compressed one, a
 * JSON one that is not UTF-8 or does not parse, one naming `model` twice
 * or in another case (`MODEL`), a form-urlencoded one holding `;`.
 */

const DECLARED_JSON = /^[^;]*[/+]json\s*(?:;|$)/i;
const URLENCODED = /^\s*application\/x-www-form-urlencoded\s*(?:;|$)/i;
const JSON_WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Refuses a body with a `content-encoding` (gzip…): the upstream would
 * decompress it, the gateway cannot read its model.
 * @throws GatewayException unsupported_media_type (415).
 */
export function assertIdentityEncoding(headers: IncomingHttpHeaders): void {
  const encoding = headers['content-encoding']?.trim().toLowerCase();
  if (encoding !== undefined && encoding !== '' && encoding !== 'identity') {
    throw new GatewayException(
      'unsupported_media_type',
      'This API key may only send uncompressed request bodies here: the gateway must read their model.',
      { openAiCode: 'unsupported_content_encoding' },
    );
  }
}

/**
 * The model of a body: the `model` part of a multipart/form-data upload,
 * the `model` field of a form-urlencoded one, or else (whatever the
 * declared type, as some upstreams parse any body as JSON) the `model` of
 * a JSON object. Undefined when it names none.
 * @throws GatewayException invalid_json, invalid_request (param `model`).
 */
export function bodyModel(
  bytes: Buffer,
  headers: IncomingHttpHeaders,
): string | undefined {
  const contentType = headers['content-type'] ?? '';
  const boundary = formBoundary(contentType);
  if (boundary !== undefined) {
    return multipartModel(bytes, boundary);
  }
  if (URLENCODED.test(contentType)) {
    // Read as Starlette reads a form: bytes as latin1, escapes as UTF-8.
    const text = bytes.toString('latin1');
    if (text.includes(';')) {
      // Older python-multipart splits form fields on `;` as well as `&`.
      throw unreadable('a form-urlencoded body may not contain ";"');
    }
    const form = new URLSearchParams(text);
    assertNoModelLookalike(form.keys());
    return onlyModel(form.getAll('model'));
  }
  return jsonModel(bytes, DECLARED_JSON.test(contentType));
}

/**
 * The model of a JSON body, when it is declared JSON or starts as a JSON
 * object does; other bodies (audio, text) name none. A leading UTF-8 BOM
 * is skipped, as Python's `json.loads(bytes)` does.
 */
function jsonModel(bytes: Buffer, declared: boolean): string | undefined {
  if (bytes.length === 0) {
    return undefined;
  }
  const start = jsonStart(bytes);
  if (!declared && start.first !== '{') {
    return undefined;
  }
  if (start.encoding !== 'utf-8') {
    // Python's json decodes UTF-16 and UTF-32 too; the gateway reads UTF-8 only.
    throw invalidJson('The request body must be JSON in UTF-8.');
  }
  const text = utf8(bytes.subarray(start.bomBytes));
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw invalidJson('The request body is not valid JSON.');
  }
  if (!isRecord(body)) {
    return undefined;
  }
  assertNoModelLookalike(Object.keys(body));
  if (!Object.hasOwn(body, 'model')) {
    return undefined;
  }
  // JSON.parse keeps the last of two `model` keys, as Python's json and
  // Go's encoding/json do; other parsers keep the first or fail. Refused,
  // so the model checked is the one every upstream reads.
  if (topLevelKeyCount(text, 'model') > 1) {
    throw ambiguousModel();
  }
  return onlyModel([body['model']]);
}

/**
 * Refuses a field named `model` in another case (`MODEL`): Go's
 * encoding/json matches keys case-insensitively, so Ollama would read it
 * as the model, while the gateway reads only `model`.
 */
function assertNoModelLookalike(keys: Iterable<string>): void {
  for (const key of keys) {
    if (key !== 'model' && key.toLowerCase() === 'model') {
      throw unreadable(`the field '${key}' differs from model only in case`);
    }
  }
}

function unreadable(what: string): GatewayException {
  return new GatewayException(
    'invalid_request',
    `The request body cannot be read unambiguously: ${what}.`,
    { param: 'model' },
  );
}

/** The one model of `values`, which must be a string. */
function onlyModel(values: readonly unknown[]): string | undefined {
  if (values.length > 1) {
    throw ambiguousModel();
  }
  const [model] = values;
  if (model !== undefined && typeof model !== 'string') {
    throw new GatewayException('invalid_request', 'model must be a string.', {
      param: 'model',
    });
  }
  return model;
}

type Encoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'utf-32le' | 'utf-32be';

/**
 * The encoding Python's `json.detect_encoding` finds (BOMs, else zero
 * bytes among the first ones), the length of a UTF-8 BOM to skip, and the
 * first character after the BOM and JSON whitespace.
 */
function jsonStart(bytes: Buffer): {
  encoding: Encoding;
  bomBytes: number;
  first: string;
} {
  const encoding = detectEncoding(bytes);
  if (encoding === 'utf-8') {
    const bomBytes = bytes.subarray(0, 3).equals(UTF8_BOM) ? 3 : 0;
    let at = bomBytes;
    while (at < bytes.length && JSON_WHITESPACE.has(bytes[at]!)) {
      at += 1;
    }
    const first = at < bytes.length ? String.fromCharCode(bytes[at]!) : '';
    return { encoding, bomBytes, first };
  }
  const unit = encoding.startsWith('utf-16') ? 2 : 4;
  for (let at = 0; at + unit <= bytes.length; at += unit) {
    const code = codeUnit(bytes, at, encoding);
    if (!JSON_WHITESPACE.has(code) && !(at === 0 && code === 0xfeff)) {
      return { encoding, bomBytes: 0, first: String.fromCharCode(code) };
    }
  }
  return { encoding, bomBytes: 0, first: '' };
}

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** Byte-order marks, as Python's `json.detect_encoding` checks them. */
const BYTE_ORDER_MARKS: ReadonlyArray<[readonly number[], Encoding]> = [
  [[0xff, 0xfe, 0, 0], 'utf-32le'],
  [[0, 0, 0xfe, 0xff], 'utf-32be'],
  [[0xff, 0xfe], 'utf-16le'],
  [[0xfe, 0xff], 'utf-16be'],
];

function detectEncoding(b: Buffer): Encoding {
  const marked = BYTE_ORDER_MARKS.find(([mark]) =>
    mark.every((byte, i) => b[i] === byte),
  );
  if (marked) {
    return marked[1];
  }
  // JSON starts with an ASCII character: zero bytes around it tell the width.
  if (b.length === 2 || b.length >= 4) {
    if (b[0] === 0) {
      return b.length === 2 || b[1] ? 'utf-16be' : 'utf-32be';
    }
    if (b[1] === 0) {
      return b.length === 2 || b[2] || b[3] ? 'utf-16le' : 'utf-32le';
    }
  }
  return 'utf-8';
}

function codeUnit(bytes: Buffer, at: number, encoding: Encoding): number {
  switch (encoding) {
    case 'utf-16le':
      return bytes.readUInt16LE(at);
    case 'utf-16be':
      return bytes.readUInt16BE(at);
    case 'utf-32le':
      return bytes.readUInt32LE(at);
    case 'utf-32be':
      return bytes.readUInt32BE(at);
    case 'utf-8':
      return bytes[at]!;
  }
}

/** A quote or a bracket: what the scan of JSON's structure stops at. */
const STRUCTURE = /["{}[\]]/g;
const COLON_NEXT = /[ \t\n\r]*:/y;

/**
 * How often `key` is a key of the top-level object of `text`, which is
 * valid JSON holding an object (keys compared after their escapes). The
 * scan jumps from quote to bracket: no per-character loop, no regex
 * backtracking through long strings.
 */
function topLevelKeyCount(text: string, key: string): number {
  // The longest a string literal of `key` can be: every character \uXXXX.
  const longest = key.length * 6 + 2;
  let depth = 0;
  let count = 0;
  STRUCTURE.lastIndex = 0;
  for (let found = STRUCTURE.exec(text); found; found = STRUCTURE.exec(text)) {
    const at = found.index;
    if (text[at] !== '"') {
      depth += text[at] === '{' || text[at] === '[' ? 1 : -1;
      continue;
    }
    const end = closingQuote(text, at);
    if (end < 0) {
      break; // not reached: the text parsed
    }
    STRUCTURE.lastIndex = end + 1;
    COLON_NEXT.lastIndex = end + 1;
    if (
      depth === 1 &&
      end + 1 - at <= longest &&
      COLON_NEXT.test(text) &&
      JSON.parse(text.slice(at, end + 1)) === key
    ) {
      count += 1;
    }
  }
  return count;
}

/** The quote that closes the JSON string opened at `open`. */
function closingQuote(text: string, open: number): number {
  let at = text.indexOf('"', open + 1);
  while (precedingBackslashes(text, at) % 2 === 1) {
    at = text.indexOf('"', at + 1);
  }
  return at;
}

function precedingBackslashes(text: string, at: number): number {
  let count = 0;
  while (text.charCodeAt(at - 1 - count) === 0x5c) {
    count += 1;
  }
  return count;
}

/** `bytes` as UTF-8. @throws GatewayException invalid_json when they are not. */
function utf8(bytes: Uint8Array): string {
  try {
    return UTF8.decode(bytes);
  } catch {
    throw invalidJson('The request body must be JSON in UTF-8.');
  }
}

function invalidJson(message: string): GatewayException {
  return new GatewayException('invalid_json', message);
}
