import { defineControlSuite } from './control-suite.ts';
import { clusterQueue, memoryStore } from './harness.ts';

// Pause, cancel (across engine instances: the signal channel on cluster pub/sub), sub-workflows,
// maps and replays on a 3-master Redis Cluster.
defineControlSuite({
  name: `${clusterQueue.name} queue, ${memoryStore.name}`,
  queue: clusterQueue,
  store: memoryStore,
});
