/**
 * `@spane/store-memory`: an `ExecutionStore` in process memory, with TTL and LRU eviction of
 * finished executions that never drops one still running.
 * @module
 */
export { InMemoryExecutionStore } from './in-memory-execution-store.ts';
export type { InMemoryStoreOptions } from './memory-store-options.ts';
export { UnsupportedMetadataError } from './metadata-text.ts';
