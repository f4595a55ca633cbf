import { defineControlSuite } from './control-suite.ts';
import { postgresQueue, postgresStore } from './harness.ts';

defineControlSuite({
  name: `${postgresQueue.name} queue, ${postgresStore.name}`,
  queue: postgresQueue,
  store: postgresStore,
});
