import { expect } from 'vitest';
import { openAi, validator } from './openapi-documents.js';
import { formatErrors } from './openapi-errors.js';

/**
 * The OpenAI schemas of the Conversations API objects (test/fixtures/spec):
 * ConversationResource, DeletedConversationResource, ConversationItemList,
 * ConversationItem. Fails the test listing the errors unless `obj` is valid.
 */
export function expectValidAs(
  schemaName:
    | 'ConversationResource'
    | 'DeletedConversationResource'
    | 'ConversationItemList'
    | 'ConversationItem',
  obj: unknown,
): void {
  const validate = validator(openAi(), schemaName);
  const errors = validate(obj) ? [] : formatErrors(validate.errors ?? []);
  expect(errors, `not a valid ${schemaName}`).toEqual([]);
}

/** A shorthand user message input item. */
export const userMessage = (text: string) => ({
  type: 'message' as const,
  role: 'user' as const,
  content: text,
});

/** The text of a message item's first content part. */
export function textOf(item: unknown): string {
  const content = (item as { content?: { text?: string }[] }).content;
  return content?.[0]?.text ?? '';
}

/** The JSON body of GET `path` with key `sk-test`, as sent (the SDK's pages drop `object`). */
export async function getJson(baseUrl: string, path: string): Promise<unknown> {
  const reply = await fetch(`${baseUrl}${path}`, {
    headers: { authorization: 'Bearer sk-test' },
  });
  expect(reply.status).toBe(200);
  return reply.json();
}
