import { defineApiSuite } from './api-suite.ts';
import { postgresQueue, postgresStore } from './harness.ts';

defineApiSuite({
  name: `${postgresQueue.name} queue, ${postgresStore.name}`,
  queue: postgresQueue,
  store: postgresStore,
});
