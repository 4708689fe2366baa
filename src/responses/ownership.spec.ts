import { describe, expect, it } from 'vitest';
import { toOpenAiError } from '../common/errors/gateway.exception.js';
import { normalizeError } from '../common/errors/normalize-error.js';
import type { Tenant } from '../config/security/tenant.js';
import type { CreateResponseRequest } from '../protocol/responses.types.js';
import { BackgroundResponses } from './background/background-responses.service.js';
import { inMemoryBackgroundBackend } from './background/background.providers.js';
import { CompactionSeal } from './compact/compaction-seal.js';
import { InMemoryResponseStore } from './store/in-memory-response.store.js';
import type { ResponseStore } from './store/response-store.js';
import { storedEntry } from './store/response-store-contract.test-support.js';
import { persistTurn } from './store/turn-persistence.js';
import { StoredResponsesService } from './stored-responses.service.js';
import { TurnPreparationService } from './turn-preparation.service.js';

function tenant(id: string): Tenant {
  return { id, label: 'unnamed', hostedMcp: true, limits: {}, metadata: {} };
}

const KEY_A = tenant('key:aaaaaaaaaaaaaaaa');
const KEY_B = tenant('key:bbbbbbbbbbbbbbbb');

/** A store holding `resp_a` (input item `msg_a`) of KEY_A and `resp_free` of no one. */
async function storeOfA(): Promise<InMemoryResponseStore> {
  const store = new InMemoryResponseStore(10);
  await store.save({ ...storedEntry('resp_a', ['msg_a']), owner: KEY_A.id });
  await store.save(storedEntry('resp_free', ['msg_free']));
  return store;
}

/** What the client gets for a failure: status and body. */
async function failureOf(call: Promise<unknown>): Promise<unknown> {
  const error: unknown = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'the call should fail').toBeDefined();
  return toOpenAiError(normalizeError(error));
}

/** The same failure for `id` as for an id never stored, `missing`, with the id swapped. */
async function expectAnsweredAsMissing(
  call: (id: string) => Promise<unknown>,
  id: string,
): Promise<void> {
  const foreign = JSON.stringify(await failureOf(call(id)));
  const missing = JSON.stringify(await failureOf(call('missing_id')));
  expect(foreign).toBe(missing.replaceAll('missing_id', id));
}

/** The stored side over `store`, with the background runs of one process (none running). */
function storedResponses(store: ResponseStore): StoredResponsesService {
  const backend = inMemoryBackgroundBackend({ maxEvents: 100, ttlSeconds: 60 });
  return new StoredResponsesService(
    store,
    new BackgroundResponses(store, backend, { whenEnded: () => undefined }),
  );
}

describe(StoredResponsesService.name, () => {
  const query = { limit: 20, order: 'asc' as const };

  it("answers another key's response exactly as an unknown id, on every route", async () => {
    const store = await storeOfA();
    const sut = storedResponses(store);
    await expectAnsweredAsMissing((id) => sut.get(id, KEY_B), 'resp_a');
    await expectAnsweredAsMissing(
      (id) => sut.inputItems(id, query, KEY_B),
      'resp_a',
    );
    await expectAnsweredAsMissing((id) => sut.cancel(id, KEY_B), 'resp_a');
    await expectAnsweredAsMissing((id) => sut.replay(id, -1, KEY_B), 'resp_a');
    await expectAnsweredAsMissing((id) => sut.delete(id, KEY_B), 'resp_a');
    // Nothing was deleted: the owner still reads it.
    expect((await sut.get('resp_a', KEY_A)).id).toBe('resp_a');
    expect((await sut.inputItems('resp_a', query, KEY_A)).data).toHaveLength(1);
  });

  it('shows a response without an owner to no key, and everything when auth is off', async () => {
    const sut = storedResponses(await storeOfA());
    await expectAnsweredAsMissing((id) => sut.get(id, KEY_A), 'resp_free');
    expect((await sut.get('resp_free')).id).toBe('resp_free');
    expect((await sut.get('resp_a')).id).toBe('resp_a');
    await expect(sut.delete('resp_a', KEY_A)).resolves.toMatchObject({
      deleted: true,
    });
  });
});

describe(TurnPreparationService.name, () => {
  const seal = new CompactionSeal('a-long-enough-secret-value');
  const request = (fields: Partial<CreateResponseRequest>) =>
    ({ model: 'm', input: 'next', ...fields }) as CreateResponseRequest;

  it("refuses another key's previous_response_id as an unknown one", async () => {
    const sut = new TurnPreparationService(await storeOfA(), seal);
    await expectAnsweredAsMissing(
      (id) =>
        sut.prepare(request({ previous_response_id: id }), { caller: KEY_B }),
      'resp_a',
    );
    const own = await sut.prepare(request({ previous_response_id: 'resp_a' }), {
      caller: KEY_A,
    });
    expect(own.history.map((item) => item.id)).toContain('msg_a');
    expect(own.owner).toBe(KEY_A.id);
  });

  it("refuses another key's item_reference as an unknown item", async () => {
    const sut = new TurnPreparationService(await storeOfA(), seal);
    const referencing = (id: string) =>
      request({ input: [{ type: 'item_reference', id }] });
    await expectAnsweredAsMissing(
      (id) => sut.prepare(referencing(id), { caller: KEY_B }),
      'msg_a',
    );
    await expectAnsweredAsMissing(
      (id) => sut.prepare(referencing(id), { caller: KEY_A }),
      'msg_free',
    );
    const own = await sut.prepare(referencing('msg_a'), { caller: KEY_A });
    expect(own.inputItems).toEqual([
      storedEntry('resp_a', ['msg_a']).inputItems[0],
    ]);
    // Auth off: any stored item, as before.
    expect((await sut.prepare(referencing('msg_free'))).inputItems).toEqual([
      storedEntry('resp_free', ['msg_free']).inputItems[0],
    ]);
  });

  it("refuses another key's compaction item as one that does not open", async () => {
    const sut = new TurnPreparationService(new InMemoryResponseStore(10), seal);
    const sealedFor = (owner: string) =>
      seal.seal({ summary: 'secret plan', model: 'm', createdAt: 1, owner });
    const compacted = (encrypted: string) =>
      request({
        input: [{ type: 'compaction', encrypted_content: encrypted }],
      });
    const foreign = await failureOf(
      sut.prepare(compacted(sealedFor(KEY_A.id)), { caller: KEY_B }),
    );
    const altered = await failureOf(
      sut.prepare(compacted(sealedFor(KEY_B.id).slice(0, -4) + 'AAAA'), {
        caller: KEY_B,
      }),
    );
    expect(foreign).toEqual(altered);
    const own = await sut.prepare(compacted(sealedFor(KEY_A.id)), {
      caller: KEY_A,
    });
    expect(JSON.stringify(own.plan.chat.messages)).toContain('secret plan');
  });

  it('stores the turn with its caller as owner, and without one when auth is off', async () => {
    const store = new InMemoryResponseStore(10);
    const sut = new TurnPreparationService(store, seal);
    const logger = { error: () => undefined };
    const owned = await sut.prepare(request({}), { caller: KEY_A });
    const free = await sut.prepare(request({}));
    await persistTurn(owned, store, logger);
    await persistTurn(free, store, logger);
    expect((await store.getTurn(owned.machine.id))?.owner).toBe(KEY_A.id);
    expect(await store.getTurn(owned.machine.id, { ifOwnedBy: KEY_B.id })).toBe(
      undefined,
    );
    expect(await store.getTurn(free.machine.id)).not.toHaveProperty('owner');
  });
});
