import { defineEngineSuite } from './engine-suite.ts';
import { postgresQueue, postgresStore } from './harness.ts';

defineEngineSuite({
  name: `${postgresQueue.name} queue, ${postgresStore.name}`,
  queue: postgresQueue,
  store: postgresStore,
});
