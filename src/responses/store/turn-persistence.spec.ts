import { describe, expect, it, vi } from 'vitest';
import type { PreparedTurn } from '../turn-preparation.service.js';
import { InMemoryResponseStore } from './in-memory-response.store.js';
import type { ResponseStore } from './response-store.js';
import { storedEntry } from './response-store-contract.test-support.js';
import { storeUnavailable } from './store-errors.js';
import { persistPlainTurn, persistTurn } from './turn-persistence.js';

/** A finished turn whose response has `status`, continuing `previous` if given. */
function turnOf(
  status: string,
  options: { previous?: string; historyStore?: ResponseStore } = {},
): PreparedTurn {
  const { response } = storedEntry('resp_turn');
  return {
    request: { model: 'm', previous_response_id: options.previous },
    machine: { id: 'resp_turn', response: { ...response, status } },
    history: [],
    inputItems: [],
    historyStore: options.historyStore,
  } as unknown as PreparedTurn;
}

const failingStore = (): ResponseStore => {
  const store = new InMemoryResponseStore(10);
  vi.spyOn(store, 'save').mockRejectedValue(storeUnavailable());
  return store;
};

describe(persistTurn.name, () => {
  it("reports a failed save as the request's own 503 store_unavailable", async () => {
    const logger = { error: vi.fn() };
    const failure = await persistTurn(
      turnOf('completed'),
      failingStore(),
      logger,
    )
      .then(() => undefined)
      .catch((error: unknown) => error);
    expect(failure).toMatchObject({
      code: 'service_unavailable',
      message:
        'The response could not be stored: the response store is unavailable; try again later.',
      options: { openAiCode: 'store_unavailable' },
    });
    expect(logger.error).not.toHaveBeenCalled();
  });

  it('keeps the own error of a turn that failed anyway, and logs the lost save', async () => {
    const logger = { error: vi.fn() };
    await expect(
      persistTurn(turnOf('failed'), failingStore(), logger),
    ).resolves.toBeUndefined();
    expect(logger.error).toHaveBeenCalledOnce();
  });

  it('links the turn to the response it continues only when that one is in the same store', async () => {
    const store = new InMemoryResponseStore(10);
    const save = vi.spyOn(store, 'save');
    const other = new InMemoryResponseStore(10);
    const logger = { error: vi.fn() };
    await persistTurn(
      turnOf('completed', { previous: 'resp_p', historyStore: store }),
      store,
      logger,
    );
    await persistTurn(
      turnOf('completed', { previous: 'resp_p', historyStore: other }),
      store,
      logger,
    );
    expect(save.mock.calls.map(([, options]) => options)).toEqual([
      { continues: 'resp_p' },
      {},
    ]);
  });
});

describe(persistPlainTurn.name, () => {
  it('logs a refusal the error filter does not log (a 413), then rethrows it', async () => {
    const logger = { error: vi.fn(), warn: vi.fn() };
    const tiny = new InMemoryResponseStore(10, 10);
    await expect(
      persistPlainTurn(turnOf('completed'), tiny, logger),
    ).rejects.toMatchObject({
      options: { openAiCode: 'store_entry_too_large' },
    });
    expect(logger.warn).toHaveBeenCalledOnce();

    await expect(
      persistPlainTurn(turnOf('completed'), failingStore(), logger),
    ).rejects.toMatchObject({ options: { openAiCode: 'store_unavailable' } });
    expect(logger.warn).toHaveBeenCalledOnce();
  });
});
