import { describeLimitStoreContract } from './limit-store-contract.test-support.js';
import { InMemoryLimitStore } from './in-memory-limit-store.js';

describeLimitStoreContract(InMemoryLimitStore.name, (now) =>
  Promise.resolve(new InMemoryLimitStore(now)),
);
