import type { EngineEventMap, EngineEvents } from './engine-events.ts';
import { type EngineLogger, redactSecrets } from './engine-logger.ts';

type Level = 'debug' | 'info' | 'warn' | 'error';

/**
 * Writes the engine's lifecycle to a logger, from its events: execution start and end at info
 * (a failed end at warn), node attempts at debug, a retry at info, a node's final failure at
 * warn, a dead-letter item and engine errors at error. Every line has `workflowId`,
 * `executionId` and, for nodes, `nodeId`, `nodeType` and `attempt` where known. Fields are
 * redacted (secret-looking keys) before the logger sees them. Returns the function that stops it.
 */
export function attachLifecycleLog(events: EngineEvents, logger: EngineLogger): () => void {
  const write = (level: Level, message: string, fields: object): void => {
    try {
      logger[level](redactSecrets(fields) as Record<string, unknown>, message);
    } catch {
      // a logger's exception must never break the engine
    }
  };
  const on = <E extends keyof EngineEventMap>(
    event: E,
    listener: (payload: EngineEventMap[E]) => void,
  ) => events.on(event, listener);
  const stops = [
    on('execution:enqueued', (p) => write('debug', 'execution enqueued', p)),
    on('execution:started', (p) => write('info', 'execution started', p)),
    on('execution:completed', (p) => write('info', 'execution completed', p)),
    on('execution:failed', (p) => write('warn', 'execution failed', p)),
    on('execution:cancelled', (p) => write('info', 'execution cancelled', p)),
    on('execution:paused', (p) => write('info', 'execution paused', p)),
    on('execution:resumed', (p) => write('info', 'execution resumed', p)),
    on('execution:stuck', (p) => write('warn', 'execution stuck', p)),
    on('execution:recovered', (p) => write('warn', 'execution recovered', p)),
    on('node:started', (p) => write('debug', 'node started', p)),
    on('node:completed', (p) => write('debug', 'node completed', p)),
    on('node:skipped', (p) => write('debug', 'node skipped', p)),
    on('node:retrying', (p) => write('info', 'node attempt failed, retrying', p)),
    on('node:failed', (p) => {
      write('warn', 'node failed', p);
      if (p.deadLettered) write('error', 'node moved to the dead-letter queue', p);
    }),
    on('shutdown:started', (p) => write('info', 'shutdown started', p)),
    on('shutdown:completed', (p) => write('info', 'shutdown completed', p)),
    on('error', ({ error, context }) =>
      write('error', `engine error (${context})`, { context, error }),
    ),
  ];
  return () => {
    for (const stop of stops) stop();
  };
}
