import { postgresQueue, postgresStore } from './harness.ts';
import { defineWebhookSuite } from './webhooks-suite.ts';

defineWebhookSuite({
  name: `${postgresQueue.name} queue, ${postgresStore.name}`,
  queue: postgresQueue,
  store: postgresStore,
});
