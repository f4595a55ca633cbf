/**
 * A private Redis Cluster on loopback: `redis-server --cluster-enabled yes` per node on free ports,
 * joined with `redis-cli --cluster create`. For tests and the bench of SPANE on a cluster.
 * @module
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findExecutable } from './find-executable.ts';
import { freePorts } from './free-ports.ts';
import { LocalServiceError, messageOf } from './local-service-error.ts';
import { type ManagedProcess, spawnManaged } from './managed-processes.ts';
import { findRedisServer, redisAnswersPing, redisProcessOptions } from './redis-server.ts';
import { runCommand } from './run-command.ts';
import { waitUntilReady } from './wait-until-ready.ts';

/** Options of {@link startRedisCluster}. */
export interface RedisClusterOptions {
  /** Masters (slots are split evenly between them). Default 3, the least Redis accepts. */
  masters?: number | undefined;
  /** Replicas of each master. Default 0; 1 for failover tests. */
  replicasPerMaster?: number | undefined;
  /**
   * `cluster-node-timeout` in ms: how long a master may be silent before it is taken as failed and
   * a replica is promoted. Default 2000 (Redis's own is 15000).
   */
  nodeTimeoutMs?: number | undefined;
  /** How long to wait for every node and for `cluster_state:ok`. Default 30 s. */
  startTimeoutMs?: number | undefined;
}

/** One node of a {@link LocalRedisCluster}. */
export interface LocalRedisClusterNode {
  host: '127.0.0.1';
  port: number;
  /** The server's process id. */
  readonly pid: number | undefined;
  /** Whether the process is still running. */
  isAlive(): boolean;
  /** Kills it at once (SIGKILL), as a crashed machine; resolves once it exited. */
  kill(): Promise<void>;
}

/** A private Redis Cluster started by {@link startRedisCluster}. */
export interface LocalRedisCluster {
  /** Every node, masters and replicas, as `{ host, port }` (ioredis's startup nodes). */
  nodes: LocalRedisClusterNode[];
  /** A short description for log lines, e.g. `redis cluster 127.0.0.1:41234,... (3 masters)`. */
  what: string;
  /** The nodes that are masters now (asked of a live node). */
  masters(): Promise<LocalRedisClusterNode[]>;
  /** The master that serves `key`'s slot now (for a hash-tagged prefix: every key of it). */
  masterOf(key: string): Promise<LocalRedisClusterNode>;
  /** Resolves once every live node reports `cluster_state:ok` with `masters` masters, all alive (after a kill: once a replica took over). */
  waitUntilHealthy(timeoutMs?: number): Promise<void>;
  /** Shuts every node down and deletes the temp dir. Idempotent. */
  stop(): Promise<void>;
}

/** `redis-cli` on PATH or beside `redis-server`; `undefined` when absent. */
export function findRedisCli(): string | undefined {
  return findExecutable('redis-cli', ['/usr/bin', '/usr/local/bin', '/usr/sbin']);
}

async function cli(binary: string, port: number, args: string[]): Promise<string> {
  const { code, output } = await runCommand(binary, [
    '-h',
    '127.0.0.1',
    '-p',
    String(port),
    ...args,
  ]);
  if (code !== 0) throw new Error(`redis-cli -p ${port} ${args.join(' ')}: ${output.trim()}`);
  return output;
}

/** Master ports as one node sees them (`CLUSTER NODES`), failed ones left out. */
async function masterPorts(binary: string, port: number): Promise<number[]> {
  const out = await cli(binary, port, ['cluster', 'nodes']);
  const ports: number[] = [];
  for (const line of out.split('\n')) {
    const [, address, flags] = line.split(' ');
    if (!address || !flags) continue;
    if (flags.includes('master') && !flags.includes('fail')) {
      ports.push(Number(address.split(':')[1]?.split('@')[0]));
    }
  }
  return ports;
}

/** Whether the node on `port` sees the cluster ok, served by `masters` masters that all are alive. */
async function healthy(
  binary: string,
  port: number,
  masters: number,
  alive: ReadonlySet<number>,
): Promise<boolean> {
  try {
    const info = await cli(binary, port, ['cluster', 'info']);
    if (!info.includes('cluster_state:ok')) return false;
    const found = await masterPorts(binary, port);
    if (found.length !== masters || !found.every((p) => alive.has(p))) return false;
    if (found.includes(port)) return true;
    // A replica counts once it has synced with its master (so that it can take over).
    return (await cli(binary, port, ['info', 'replication'])).includes('master_link_status:up');
  } catch {
    return false;
  }
}

/**
 * Starts a Redis Cluster of `masters × (1 + replicasPerMaster)` private `redis-server`s on free
 * loopback ports (no persistence, a temp dir that `stop()` deletes) and joins them with
 * `redis-cli --cluster create`. None outlives this process. Throws a {@link LocalServiceError}:
 * `REDIS_NOT_FOUND` without `redis-server` or `redis-cli`, `REDIS_CLUSTER_START_FAILED` otherwise.
 */
export async function startRedisCluster(
  options: RedisClusterOptions = {},
): Promise<LocalRedisCluster> {
  const server = findRedisServer();
  const redisCli = findRedisCli();
  if (!server || !redisCli) {
    throw new LocalServiceError({
      code: 'REDIS_NOT_FOUND',
      message: 'redis-server and redis-cli are needed for a cluster (apt-get install redis-server)',
    });
  }
  const failures: string[] = [];
  // Another process can take a free port before its server binds it: try again on fresh ports.
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    try {
      return await startOnce(server, redisCli, options);
    } catch (error) {
      failures.push(messageOf(error));
    }
  }
  throw new LocalServiceError({
    code: 'REDIS_CLUSTER_START_FAILED',
    message: `the Redis Cluster would not start:\n${failures.map((f) => `  - ${f}`).join('\n')}`,
    failures,
  });
}

const ATTEMPTS = 3;

/** One attempt of {@link startRedisCluster}: stops what it started before it throws. */
async function startOnce(
  server: string,
  redisCli: string,
  options: RedisClusterOptions,
): Promise<LocalRedisCluster> {
  const masters = options.masters ?? 3;
  const replicas = options.replicasPerMaster ?? 0;
  const timeoutMs = options.startTimeoutMs ?? 30_000;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spane-redis-cluster-'));
  const ports = await freePorts(masters * (1 + replicas));
  const processes: ManagedProcess[] = [];
  const stopAll = async () => {
    await Promise.all(processes.map((p) => p.stop()));
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const port of ports) {
      processes.push(
        spawnManaged(
          redisProcessOptions({
            name: 'redis-cluster',
            binary: server,
            port,
            dir,
            extraArgs: [
              '--cluster-enabled',
              'yes',
              '--cluster-config-file',
              path.join(dir, `nodes-${port}.conf`),
              '--cluster-node-timeout',
              String(options.nodeTimeoutMs ?? 2000),
              // A replica takes over however long its link was down: no data is worth a dead slot here.
              '--cluster-replica-validity-factor',
              '0',
              '--appendonly',
              'no',
            ],
          }),
        ),
      );
    }
    await Promise.all(
      processes.map((p, i) =>
        waitUntilReady({
          what: `redis-server --cluster-enabled (port ${ports[i]})`,
          server: p,
          check: () => redisAnswersPing(ports[i] as number),
          timeoutMs,
        }),
      ),
    );
    const create = await runCommand(redisCli, [
      '--cluster',
      'create',
      ...ports.map((port) => `127.0.0.1:${port}`),
      '--cluster-replicas',
      String(replicas),
      '--cluster-yes',
    ]);
    if (create.code !== 0) throw new Error(`redis-cli --cluster create: ${create.output.trim()}`);
  } catch (error) {
    await stopAll();
    throw error;
  }
  const nodes: LocalRedisClusterNode[] = ports.map((port, i) => {
    const managed = processes[i] as ManagedProcess;
    return {
      host: '127.0.0.1',
      port,
      get pid() {
        return managed.pid;
      },
      isAlive: () => managed.isAlive(),
      kill: () => managed.stop({ sequence: [{ signal: 'SIGKILL', waitMs: 5_000 }] }),
    };
  });
  const live = () => nodes.filter((node) => node.isAlive());
  const cluster: LocalRedisCluster = {
    nodes,
    what: `redis cluster ${ports.map((p) => `127.0.0.1:${p}`).join(',')} (${masters} masters, ${replicas} replica(s) each)`,
    masters: async () => {
      const first = live()[0];
      if (!first) return [];
      const found = await masterPorts(redisCli, first.port);
      return nodes.filter((node) => found.includes(node.port) && node.isAlive());
    },
    masterOf: async (key) => {
      const first = live()[0];
      if (!first) throw new Error('no node of the cluster is alive');
      const slot = Number((await cli(redisCli, first.port, ['cluster', 'keyslot', key])).trim());
      const out = await cli(redisCli, first.port, ['cluster', 'nodes']);
      for (const line of out.split('\n')) {
        const [, address, flags, , , , , , ...ranges] = line.split(' ');
        if (!address || !flags?.includes('master') || flags.includes('fail')) continue;
        const serves = ranges.some((range) => {
          const [from, to = from] = range.split('-').map(Number);
          return from !== undefined && to !== undefined && slot >= from && slot <= to;
        });
        const port = Number(address.split(':')[1]?.split('@')[0]);
        const node = nodes.find((n) => n.port === port);
        if (serves && node) return node;
      }
      throw new Error(`no live master serves slot ${slot} (key ${key})`);
    },
    waitUntilHealthy: async (waitMs = timeoutMs) => {
      const deadline = Date.now() + waitMs;
      for (;;) {
        const alive = new Set(live().map((n) => n.port));
        const checks = await Promise.all(
          [...alive].map((port) => healthy(redisCli, port, masters, alive)),
        );
        if (checks.length > 0 && checks.every(Boolean)) return;
        if (Date.now() > deadline) {
          throw new LocalServiceError({
            code: 'REDIS_CLUSTER_START_FAILED',
            message: `the Redis Cluster was not healthy (cluster_state:ok, ${masters} masters) within ${waitMs} ms`,
          });
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    stop: stopAll,
  };
  try {
    await cluster.waitUntilHealthy();
  } catch (error) {
    await stopAll();
    throw error;
  }
  return cluster;
}
