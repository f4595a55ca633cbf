import { defineEngineSuite } from './engine-suite.ts';
import { postgresStore, redisQueue } from './harness.ts';

defineEngineSuite({
  name: `${redisQueue.name} queue, ${postgresStore.name}`,
  queue: redisQueue,
  store: postgresStore,
});
