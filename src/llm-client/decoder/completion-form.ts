import { isRecord } from '../../common/is-record.js';
import { field, numberOr, type RawObject } from './raw-fields.js';

/**
 * True when decodeCompletion would hand `raw` back unchanged: the same JSON
 * once serialised, so the upstream's own text can go out instead of the
 * decoded object run through JSON.stringify (keepJsonText). That is the
 * shape OpenAI's API writes, and most servers copying it. Where the
 * decoder's rules are fiddly this is stricter (a `false` only costs the
 * stringify); its property test holds it to the decoder, so a rule added
 * there and not here fails the test, never an answer.
 */
export function keepsDecodedForm(raw: RawObject): boolean {
  const error = field(raw, 'error');
  return (
    (error === undefined || error === null) &&
    raw['object'] === 'chat.completion' &&
    typeof field(raw, 'id') === 'string' &&
    typeof field(raw, 'model') === 'string' &&
    numberOr(field(raw, 'created')) !== undefined &&
    choicesKeepForm(field(raw, 'choices')) &&
    usageKeepsForm(field(raw, 'usage'))
  );
}

function choicesKeepForm(choices: unknown): boolean {
  if (!Array.isArray(choices)) {
    return false;
  }
  for (const choice of choices) {
    if (!isRecord(choice) || !choiceKeepsForm(choice)) {
      return false;
    }
  }
  return true;
}

/** Every rule of decodeChoice a no-op: index, message fields, tool calls, finish reason. */
function choiceKeepsForm(choice: RawObject): boolean {
  const message = choice['message'];
  if (numberOr(field(choice, 'index')) === undefined || !isRecord(message)) {
    return false;
  }
  const content = field(message, 'content');
  const refusal = field(message, 'refusal');
  const calls = field(message, 'tool_calls');
  const finish = field(choice, 'finish_reason');
  return (
    typeof field(message, 'role') === 'string' &&
    (typeof content === 'string' ||
      Array.isArray(content) ||
      content === null) &&
    (typeof refusal === 'string' || refusal === null) &&
    absentOrString(field(message, 'reasoning_content')) &&
    absentOrString(field(message, 'reasoning')) &&
    (calls === undefined || toolCallsKeepForm(calls)) &&
    typeof finish === 'string' &&
    finish !== '' &&
    // The decoder says `tool_calls` for a `stop` with calls.
    !(finish === 'stop' && calls !== undefined)
  );
}

/** A non-empty array of calls, each with its id, type, name and text arguments. */
function toolCallsKeepForm(calls: unknown): boolean {
  if (!Array.isArray(calls) || calls.length === 0) {
    return false;
  }
  for (const call of calls) {
    if (!isRecord(call) || !isRecord(call['function'])) {
      return false;
    }
    const { name, arguments: args } = call['function'];
    const id = call['id'];
    if (
      typeof name !== 'string' ||
      name === '' ||
      typeof args !== 'string' ||
      typeof id !== 'string' ||
      id === '' ||
      call['type'] !== 'function'
    ) {
      return false;
    }
  }
  return true;
}

/** decodeUsage a no-op: the three counts present, details absent or with their counts numbers. */
function usageKeepsForm(usage: unknown): boolean {
  if (usage === undefined) {
    return true;
  }
  if (!isRecord(usage)) {
    return false;
  }
  const completionDetails = usage['completion_tokens_details'];
  return (
    numberOr(usage['prompt_tokens']) !== undefined &&
    numberOr(usage['completion_tokens']) !== undefined &&
    numberOr(usage['total_tokens']) !== undefined &&
    detailsKeepForm(usage['prompt_tokens_details'], 'cached_tokens') &&
    detailsKeepForm(completionDetails, 'reasoning_tokens') &&
    // SGLang's top-level count is moved into the details.
    (usage['reasoning_tokens'] === undefined ||
      (isRecord(completionDetails) &&
        completionDetails['reasoning_tokens'] !== undefined))
  );
}

function detailsKeepForm(details: unknown, count: string): boolean {
  if (details === undefined) {
    return true;
  }
  if (!isRecord(details)) {
    return false;
  }
  const value = details[count];
  return value === undefined || numberOr(value) !== undefined;
}

function absentOrString(value: unknown): boolean {
  return value === undefined || typeof value === 'string';
}
