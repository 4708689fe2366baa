import { InMemoryRunCoordination } from './run-coordination.js';
import { describeRunCoordinationContract } from './run-coordination-contract.test-support.js';

describeRunCoordinationContract('InMemoryRunCoordination', () => {
  const one = new InMemoryRunCoordination();
  return Promise.resolve([one, one]);
});
