import { defineApiSuite } from './api-suite.ts';
import { memoryStore, redisQueue } from './harness.ts';

defineApiSuite({
  name: `${redisQueue.name} queue, ${memoryStore.name}`,
  queue: redisQueue,
  store: memoryStore,
});
