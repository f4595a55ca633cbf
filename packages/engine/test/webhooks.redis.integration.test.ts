import { memoryStore, redisQueue } from './harness.ts';
import { defineWebhookSuite } from './webhooks-suite.ts';

defineWebhookSuite({
  name: `${redisQueue.name} queue, ${memoryStore.name}`,
  queue: redisQueue,
  store: memoryStore,
});
