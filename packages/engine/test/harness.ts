import { randomBytes, randomUUID } from 'node:crypto';
import type { ExecutionStore, NodeRegistry, WorkflowDefinition } from '@spane/core';
import { isClusterQueueConnection, type QueueConnection } from '@spane/queue';
import { InMemoryExecutionStore } from '@spane/store-memory';
import { PostgresExecutionStore } from '@spane/store-postgres';
import { waitFor } from '@spane/test-support';
import pg from 'pg';
import { afterEach } from 'vitest';
import { type EngineConfig, type EngineLogger, WorkflowEngine } from '../src/index.ts';

function requiredEnv(name: 'REDIS_URL' | 'DATABASE_URL'): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(
      `${name} is not set: run the tests through \`npm test\` (it starts the servers)`,
    );
  }
  return value;
}

/** The Redis the test setup started (scripts/test-services.ts); tests fail loudly without it. */
export function redisUrl(): string {
  return requiredEnv('REDIS_URL');
}

/** The startup nodes of the Redis Cluster the test setup started (`REDIS_CLUSTER_NODES`). */
export function clusterNodes(): Array<{ host: string; port: number }> {
  const value = process.env.REDIS_CLUSTER_NODES;
  if (!value) {
    throw new Error(
      'REDIS_CLUSTER_NODES is not set: run the tests through `npm test` (it starts the servers)',
    );
  }
  return value.split(',').map((address) => {
    const [host, port] = address.split(':');
    return { host: host as string, port: Number(port) };
  });
}

/** The PostgreSQL the test setup started; tests fail loudly without it. */
export function databaseUrl(): string {
  return requiredEnv('DATABASE_URL');
}

/** A store under test, made fresh per engine. */
export interface StoreFactory {
  name: string;
  create(): Promise<ExecutionStore>;
}

/** A queue backend under test. */
export interface QueueFactory {
  name: string;
  connection(): QueueConnection;
}

/** One queue backend with one store: what the engine suite runs against. */
export interface EngineTarget {
  name: string;
  queue: QueueFactory;
  store: StoreFactory;
}

export const redisQueue: QueueFactory = { name: 'Redis', connection: () => redisUrl() };
/** The 3-master Redis Cluster of the test setup; engines on it get a hash-tagged prefix. */
export const clusterQueue: QueueFactory = {
  name: 'Redis Cluster',
  connection: () => ({ cluster: clusterNodes() }),
};
export const postgresQueue: QueueFactory = {
  name: 'Postgres',
  connection: () => ({ postgres: databaseUrl(), poolSize: 8 }),
};

export const memoryStore: StoreFactory = {
  name: 'memory store',
  create: async () => new InMemoryExecutionStore(),
};

/** A Postgres store in a schema of its own, dropped when the store is closed. */
export const postgresStore: StoreFactory = {
  name: 'Postgres store',
  async create() {
    const schema = `engine_${randomBytes(5).toString('hex')}`;
    const store = await PostgresExecutionStore.create({
      connectionString: databaseUrl(),
      schema,
      poolSize: 4,
    });
    const close = store.close.bind(store);
    store.close = async () => {
      await close();
      const client = new pg.Client({ connectionString: databaseUrl() });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await client.end();
      }
    };
    return store;
  },
};

/**
 * An engine on its own queue prefix, so tests never see each other's jobs. On a Redis Cluster the
 * prefix is a hash tag (`{t-…}`), so each test's keys also land on a slot of their own.
 */
export async function startEngine(options: {
  registry: NodeRegistry;
  store: ExecutionStore;
  connection?: QueueConnection;
  workflows?: WorkflowDefinition[];
  config?: EngineConfig;
  concurrency?: number;
  workers?: boolean;
  logger?: EngineLogger;
}): Promise<WorkflowEngine> {
  const connection = options.connection ?? redisUrl();
  const tag = `t-${randomUUID().slice(0, 8)}`;
  const engine = new WorkflowEngine({
    registry: options.registry,
    store: options.store,
    ...(options.logger ? { logger: options.logger } : {}),
    connection,
    config: {
      prefix: isClusterQueueConnection(connection) ? `{${tag}}` : tag,
      defaultRetryPolicy: { maxAttempts: 1, backoff: { type: 'fixed', delay: 10 } },
      ...options.config,
    },
  });
  for (const workflow of options.workflows ?? []) await engine.registerWorkflow(workflow);
  if (options.workers !== false) await engine.startWorkers(options.concurrency ?? 10);
  return engine;
}

/** A chain/fan-out definition builder for tests. */
export function node(
  id: string,
  type: string,
  outputs: string[] = [],
  extra: Record<string, unknown> = {},
) {
  return { id, type, outputs, ...extra };
}

/** Options of {@link engineFixture}'s `setup`. */
export interface SetupOptions {
  config?: EngineConfig;
  concurrency?: number;
  /** A store to share (closed by its owner); by default a fresh one from the target. */
  store?: ExecutionStore;
  /** Start the workers. Default is true. */
  workers?: boolean;
}

/**
 * Engines on a target, closed (with the stores made for them) after each test. Call inside a
 * `describe`; `setup` starts an engine with the given registry and workflows.
 */
export function engineFixture(target: EngineTarget) {
  const engines: WorkflowEngine[] = [];
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    await Promise.all(engines.splice(0).map((engine) => engine.close()));
    await Promise.all(closers.splice(0).map((close) => close()));
  });
  return {
    /** Registers an engine made elsewhere, to be closed after the test. */
    track(engine: WorkflowEngine): void {
      engines.push(engine);
    },
    async setup(
      registry: NodeRegistry,
      workflows: WorkflowDefinition[],
      options: SetupOptions = {},
    ) {
      const store = options.store ?? (await target.store.create());
      if (!options.store) closers.push(() => store.close());
      const engine = await startEngine({
        registry,
        store,
        connection: target.queue.connection(),
        workflows,
        config: options.config ?? {},
        concurrency: options.concurrency ?? 10,
        workers: options.workers ?? true,
      });
      engines.push(engine);
      return { engine, store };
    },
  };
}

/**
 * The DLQ items of one execution, once there are `count` of them. A failed execution's status is
 * stored before its DLQ item is added, so tests poll for the item rather than read it at once.
 */
export function dlqItemsOf(engine: WorkflowEngine, executionId: string, count = 1) {
  return waitFor(
    async () => {
      const items = (await engine.getDLQItems()).filter(
        (item) => item.data.executionId === executionId,
      );
      return items.length >= count ? items : undefined;
    },
    { what: `${count} DLQ item(s) of execution ${executionId}` },
  );
}

/**
 * Resolves once no job of the engine's prefix waits, runs or is delayed in the node and workflow
 * queues: whatever was going to start has started (and ended). Tests wait on it before they check
 * that something did not happen.
 */
export function queuesIdle(engine: WorkflowEngine): Promise<true> {
  return waitFor(
    async () => {
      const { queues } = await engine.getQueueStats();
      return [queues.workflow, queues.node].every(
        (counts) => counts.waiting + counts.prioritized + counts.active + counts.delayed === 0,
      );
    },
    { what: 'the node and workflow queues to be idle' },
  );
}
