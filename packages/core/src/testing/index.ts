/**
 * `@spane/core/testing`: the conformance suite every `ExecutionStore` passes. It is plain cases
 * with their own assertions, so it runs under vitest, node:test or anything else.
 * @module
 */
export {
  assertEqual,
  assertRejectsWithCode,
  assertSameMembers,
  assertTrue,
  ConformanceAssertionError,
  deepEqual,
} from './assertions.ts';
export {
  type ConformanceCase,
  STORE_CONFORMANCE_CASES,
  type StoreConformanceOptions,
  storeConformanceCases,
} from './store-conformance.ts';
