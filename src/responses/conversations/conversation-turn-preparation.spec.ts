import { describe, expect, it } from 'vitest';
import { toOpenAiError } from '../../common/errors/gateway.exception.js';
import { normalizeError } from '../../common/errors/normalize-error.js';
import type {
  CreateResponseRequest,
  ResponseInputItem,
} from '../../protocol/responses.types.js';
import { CompactionSeal } from '../compact/compaction-seal.js';
import { InMemoryResponseStore } from '../store/in-memory-response.store.js';
import { TurnPreparationService } from '../turn-preparation.service.js';
import {
  conversationRecord,
  userItem,
} from './conversation-store-contract.test-support.js';
import { InMemoryConversationStore } from './in-memory-conversation.store.js';

const seal = new CompactionSeal('a-long-enough-secret-value');

async function preparationWith(items: ResponseInputItem[]) {
  const conversations = new InMemoryConversationStore({
    maxItems: 100,
    capacity: 10,
  });
  await conversations.create(conversationRecord('conv_1'), items);
  return new TurnPreparationService(
    new InMemoryResponseStore(10),
    seal,
    conversations,
  );
}

const turn = (fields: Partial<CreateResponseRequest> = {}) =>
  ({
    model: 'm',
    conversation: 'conv_1',
    input: 'now',
    ...fields,
  }) as CreateResponseRequest;

const compaction = (encrypted: string): ResponseInputItem => ({
  type: 'compaction',
  id: 'cmp_1',
  encrypted_content: encrypted,
});

describe('a turn on a conversation', () => {
  it('sends the instructions, then the conversation, then the input', async () => {
    const sut = await preparationWith([userItem('msg_1', 'earlier')]);
    const prepared = await sut.prepare(turn({ instructions: 'be brief' }));
    const texts = JSON.stringify(prepared.plan.chat.messages);
    const at = (text: string) => texts.indexOf(text);
    expect(at('be brief')).toBeGreaterThanOrEqual(0);
    expect(at('be brief')).toBeLessThan(at('earlier'));
    expect(at('earlier')).toBeLessThan(at('now'));
  });

  it('opens a compaction item of the conversation', async () => {
    const sealed = seal.seal({ summary: 'the plan', model: 'm', createdAt: 1 });
    const sut = await preparationWith([compaction(sealed)]);
    const prepared = await sut.prepare(turn());
    expect(JSON.stringify(prepared.plan.chat.messages)).toContain('the plan');
  });

  it("names `conversation` when one of the conversation's compaction items does not open", async () => {
    const sut = await preparationWith([compaction('not-sealed-here')]);
    const error: unknown = await sut.prepare(turn()).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(toOpenAiError(normalizeError(error))).toMatchObject({
      status: 400,
      body: { error: { param: 'conversation[0].encrypted_content' } },
    });
  });
});
