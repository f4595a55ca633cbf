import { defineEngineSuite } from './engine-suite.ts';
import { clusterQueue, memoryStore } from './harness.ts';

// The whole semantics suite on a 3-master Redis Cluster: queues, workers, schedulers, the signal
// channel (cancel), the rate limiter and the event stream all through ioredis Cluster clients.
defineEngineSuite({
  name: `${clusterQueue.name} queue, ${memoryStore.name}`,
  queue: clusterQueue,
  store: memoryStore,
});
