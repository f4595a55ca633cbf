/** Options of {@link InMemoryExecutionStore}. */
export interface InMemoryStoreOptions {
  /** How long a finished execution (completed, failed, cancelled) is kept, in ms. Default is 1 hour. */
  ttl?: number | undefined;
  /**
   * How many finished executions are kept; the least recently used go first. Running, paused and
   * pending executions are never evicted. Default is 1000.
   */
  maxSize?: number | undefined;
  /** How often expired executions are swept, in ms. The timer never keeps the process alive. Default is 5 minutes. */
  cleanupInterval?: number | undefined;
  /** Log lines kept per execution (the oldest are dropped). Default is 1000. */
  maxLogsPerExecution?: number | undefined;
  /** Spans kept per execution (the oldest are dropped). Default is 1000. */
  maxSpansPerExecution?: number | undefined;
}
