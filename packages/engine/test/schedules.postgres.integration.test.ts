import { postgresQueue, postgresStore } from './harness.ts';
import { defineScheduleSuite } from './schedules-suite.ts';

defineScheduleSuite({
  name: `${postgresQueue.name} queue, ${postgresStore.name}`,
  queue: postgresQueue,
  store: postgresStore,
});
