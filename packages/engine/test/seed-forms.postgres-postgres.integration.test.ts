import { postgresQueue, postgresStore } from './harness.ts';
import { defineSeedFormsSuite } from './seed-forms-suite.ts';

defineSeedFormsSuite({
  name: `${postgresQueue.name} queue, ${postgresStore.name}`,
  queue: postgresQueue,
  store: postgresStore,
});
