import { memoryStore, redisQueue } from './harness.ts';
import { defineScheduleSuite } from './schedules-suite.ts';

defineScheduleSuite({
  name: `${redisQueue.name} queue, ${memoryStore.name}`,
  queue: redisQueue,
  store: memoryStore,
});
