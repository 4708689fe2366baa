import type { OnApplicationShutdown } from '@nestjs/common';
import { Counter, type Registry } from 'prom-client';
import type {
  OwnerFilter,
  ResponseStore,
  SaveOptions,
  StoredItem,
  StoredResponse,
  StoredTurn,
} from './response-store.js';

/** A store operation, as the `operation` label of gateway_store_failures_total. */
export type StoreOperation =
  'check' | 'save' | 'get' | 'get_turn' | 'delete' | 'get_item';

/** `gateway_store_failures_total{operation}`: every failed store operation. */
export class StoreFailureMetrics {
  private readonly failures: Counter<'operation'>;

  constructor(registry: Registry) {
    this.failures = new Counter({
      name: 'gateway_store_failures_total',
      help: 'Failed response store operations (check: refused before the turn ran, save: a response not stored).',
      labelNames: ['operation'],
      registers: [registry],
    });
  }

  failed(operation: StoreOperation): void {
    this.failures.inc({ operation });
  }
}

/**
 * A ResponseStore that counts the failures of another one, by operation;
 * the failure itself still reaches the caller, who tells the client.
 */
export class CountedResponseStore
  implements ResponseStore, OnApplicationShutdown
{
  constructor(
    private readonly store: ResponseStore,
    private readonly metrics: StoreFailureMetrics,
  ) {}

  /** Nest calls this on the provider, the wrapper: the store's connection closes too. */
  async onApplicationShutdown(): Promise<void> {
    await (
      this.store as Partial<OnApplicationShutdown>
    ).onApplicationShutdown?.();
  }

  assertAvailable(): void {
    try {
      this.store.assertAvailable();
    } catch (error) {
      this.metrics.failed('check');
      throw error;
    }
  }

  save(entry: StoredResponse, options?: SaveOptions): Promise<void> {
    return this.counted('save', () => this.store.save(entry, options));
  }

  get(id: string, filter?: OwnerFilter): Promise<StoredResponse | undefined> {
    return this.counted('get', () => this.store.get(id, filter));
  }

  getTurn(id: string, filter?: OwnerFilter): Promise<StoredTurn | undefined> {
    return this.counted('get_turn', () => this.store.getTurn(id, filter));
  }

  delete(id: string, filter?: OwnerFilter): Promise<boolean> {
    return this.counted('delete', () => this.store.delete(id, filter));
  }

  getItem(itemId: string): Promise<StoredItem | undefined> {
    return this.counted('get_item', () => this.store.getItem(itemId));
  }

  private async counted<T>(
    operation: StoreOperation,
    run: () => Promise<T>,
  ): Promise<T> {
    try {
      return await run();
    } catch (error) {
      this.metrics.failed(operation);
      throw error;
    }
  }
}
