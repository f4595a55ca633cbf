import { memoryStore, redisQueue } from './harness.ts';
import { defineSeedFormsSuite } from './seed-forms-suite.ts';

defineSeedFormsSuite({
  name: `${redisQueue.name} queue, ${memoryStore.name}`,
  queue: redisQueue,
  store: memoryStore,
});
