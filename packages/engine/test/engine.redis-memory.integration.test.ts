import { defineEngineSuite } from './engine-suite.ts';
import { memoryStore, redisQueue } from './harness.ts';

defineEngineSuite({
  name: `${redisQueue.name} queue, ${memoryStore.name}`,
  queue: redisQueue,
  store: memoryStore,
});
