import { defineControlSuite } from './control-suite.ts';
import { memoryStore, redisQueue } from './harness.ts';

defineControlSuite({
  name: `${redisQueue.name} queue, ${memoryStore.name}`,
  queue: redisQueue,
  store: memoryStore,
});
