import { successResult } from '@spane/core';
import { check, type Scenario } from './scenario.ts';

let calls = 0;
let serviceUp = false;

/** A circuit breaker per node type: after repeated failures calls fail fast, then a probe closes it. */
export const circuitBreaker: Scenario = {
  name: 'circuit breaker',
  workflows: [{ id: 'geocode', nodes: [{ id: 'lookup', type: 'geocoder' }] }],
  register(registry) {
    registry
      .register('geocoder', async () => {
        calls++;
        if (!serviceUp) throw new Error('geocoder timed out');
        return successResult({ lat: 52.5, lon: 13.4 });
      })
      .registerCircuitBreaker('geocoder', { failureThreshold: 2, timeout: 300 });
  },
  async run(engine) {
    for (let i = 0; i < 2; i++) {
      const failed = await engine.waitForExecution(await engine.enqueueWorkflow('geocode', {}));
      check(failed.status === 'failed', 'the failing calls fail');
    }
    const state = engine.getCircuitBreakerStats().geocoder?.state;
    check(state === 'open', 'two failures in a row open the breaker');
    serviceUp = true;
    const before = calls;
    const done = await engine.waitForExecution(await engine.enqueueWorkflow('geocode', {}));
    check(done.status === 'completed', 'the probe after the timeout succeeds');
    check(calls === before + 1, 'nothing reached the service while open');
    return [
      `2 failures opened the breaker; the next execution waited ~300 ms, one probe went through → ${done.status}, breaker ${engine.getCircuitBreakerStats().geocoder?.state}`,
    ];
  },
};
