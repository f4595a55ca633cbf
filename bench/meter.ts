/**
 * What a measurement window costs: wall time, this process's CPU (`process.cpuUsage()`), the Redis
 * server's CPU (`INFO cpu`: used_cpu_user + used_cpu_sys), the commands Redis processed (`INFO
 * stats` total_commands_processed, which on Redis 7 also counts the calls made inside Lua
 * scripts), the per-command breakdown (`INFO commandstats`), the commands this process's
 * ioredis clients sent (a counter on `Redis.prototype.sendCommand`: top-level commands, each
 * EVALSHA of a BullMQ script counting once), the PostgreSQL server's CPU (its postmaster and
 * backend processes, from `/proc`, when the bench started it) and the queries this process's `pg`
 * clients sent (a counter on `pg.Client.prototype.query`: each statement, a BullMQ SQL function
 * call counting once).
 */
import { Redis } from 'ioredis';
import pg from 'pg';
import { processTreeCpuMs } from './proc-cpu.ts';

export interface Sample {
  at: number;
  cpu: NodeJS.CpuUsage;
  redisCpuSec: number;
  redisCommands: number;
  clientCommands: number;
  commandStats: Map<string, number>;
  /** NaN when the PostgreSQL server's CPU is not measured. */
  postgresCpuMs: number;
  pgQueries: number;
}

export interface Cost {
  wallMs: number;
  processCpuMs: number;
  redisCpuMs: number;
  /** Commands Redis processed, Lua-internal calls included. */
  redisCommands: number;
  /** Commands the clients of this process sent (top-level, one per EVALSHA). */
  clientCommands: number;
  /** Per-command calls (commandstats), Lua-internal calls included. */
  commandStats: Map<string, number>;
  /** CPU of the PostgreSQL server's processes; NaN when not measured (DATABASE_URL, not Linux). */
  postgresCpuMs: number;
  /** Queries the `pg` clients of this process sent. */
  pgQueries: number;
}

const ADMIN = Symbol('bench-admin');
let clientCommands = 0;
let pgQueries = 0;
let patched = false;

/**
 * Counts every command sent by an ioredis client of this process (except the meter's own) and
 * every query sent by a `pg` client (pools hand out `pg.Client`s, so pool queries count once).
 */
function patchClients(): void {
  if (patched) return;
  patched = true;
  const pgProto = pg.Client.prototype as unknown as {
    query: (this: unknown, ...args: unknown[]) => unknown;
  };
  const originalQuery = pgProto.query;
  pgProto.query = function query(this: unknown, ...args: unknown[]) {
    pgQueries += 1;
    return originalQuery.apply(this, args);
  };
  const proto = Redis.prototype as unknown as {
    sendCommand: (this: Record<symbol, unknown>, ...args: unknown[]) => unknown;
  };
  const original = proto.sendCommand;
  proto.sendCommand = function sendCommand(this: Record<symbol, unknown>, ...args: unknown[]) {
    if (this[ADMIN] !== true) clientCommands += 1;
    return original.apply(this, args);
  };
}

function parseInfo(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0 && !line.startsWith('#')) fields.set(line.slice(0, colon), line.slice(colon + 1));
  }
  return fields;
}

/** Samples the costs of measurement windows: this process, Redis (when used), PostgreSQL (when started here). */
export class Meter {
  readonly #admin: Redis | undefined;
  readonly #postgres: { pids: Array<number | undefined> } | undefined;

  constructor(options: {
    /** The Redis to sample with INFO; none when the run does not use Redis. */
    redisUrl?: string | undefined;
    /**
     * The PostgreSQL servers, when the run uses some: each postmaster's pid when its process
     * tree's CPU can be sampled, undefined when it cannot (not ours). Without a server its CPU is 0.
     * The servers' CPU adds up (a side uses one, the others idle).
     */
    postgres?: { pids: Array<number | undefined> } | undefined;
  }) {
    patchClients();
    this.#postgres = options.postgres;
    if (options.redisUrl !== undefined) {
      this.#admin = new Redis(options.redisUrl, { maxRetriesPerRequest: null, lazyConnect: false });
      (this.#admin as unknown as Record<symbol, unknown>)[ADMIN] = true;
    }
  }

  /** Whether the PostgreSQL server's CPU is part of the samples (false when there is no server). */
  get measuresPostgres(): boolean {
    return this.#postgres?.pids.every((pid) => pid !== undefined) ?? false;
  }

  async sample(): Promise<Sample> {
    const postgres = this.#postgres;
    const postgresCpuMs =
      postgres === undefined
        ? 0
        : postgres.pids.reduce<number>(
            (sum, pid) => sum + (pid === undefined ? Number.NaN : processTreeCpuMs(pid)),
            0,
          );
    const cpu = process.cpuUsage();
    const at = performance.now();
    const queries = pgQueries;
    const text = this.#admin
      ? ((await this.#admin.call('INFO', 'cpu', 'stats', 'commandstats')) as string)
      : '';
    const fields = parseInfo(text);
    const commandStats = new Map<string, number>();
    for (const [key, value] of fields) {
      if (!key.startsWith('cmdstat_')) continue;
      const calls = /calls=(\d+)/.exec(value);
      if (calls) commandStats.set(key.slice('cmdstat_'.length), Number(calls[1]));
    }
    return {
      at,
      cpu,
      redisCpuSec:
        Number(fields.get('used_cpu_user') ?? 0) + Number(fields.get('used_cpu_sys') ?? 0),
      redisCommands: Number(fields.get('total_commands_processed') ?? 0),
      clientCommands,
      commandStats,
      postgresCpuMs,
      pgQueries: queries,
    };
  }

  /** The cost between two samples; the meter's own INFO call is taken out. */
  static cost(from: Sample, to: Sample, wallMs = to.at - from.at): Cost {
    const commandStats = new Map<string, number>();
    for (const [name, calls] of to.commandStats) {
      const delta = calls - (from.commandStats.get(name) ?? 0) - (name === 'info' ? 1 : 0);
      if (delta > 0) commandStats.set(name, delta);
    }
    return {
      wallMs,
      processCpuMs: (to.cpu.user - from.cpu.user + to.cpu.system - from.cpu.system) / 1000,
      redisCpuMs: (to.redisCpuSec - from.redisCpuSec) * 1000,
      redisCommands: Math.max(0, to.redisCommands - from.redisCommands - 1),
      clientCommands: to.clientCommands - from.clientCommands,
      commandStats,
      postgresCpuMs: to.postgresCpuMs - from.postgresCpuMs,
      pgQueries: to.pgQueries - from.pgQueries,
    };
  }

  /** Deletes every key under a queue prefix (outside any measured window). */
  async deletePrefix(prefix: string): Promise<void> {
    if (!this.#admin) return;
    let cursor = '0';
    do {
      const [next, keys] = await this.#admin.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await this.#admin.unlink(...keys);
    } while (cursor !== '0');
  }

  async close(): Promise<void> {
    await this.#admin?.quit().catch(() => undefined);
  }
}

/** Sums costs (wall times add up too). */
export function sumCosts(costs: readonly Cost[]): Cost {
  const total: Cost = {
    wallMs: 0,
    processCpuMs: 0,
    redisCpuMs: 0,
    redisCommands: 0,
    clientCommands: 0,
    commandStats: new Map(),
    postgresCpuMs: 0,
    pgQueries: 0,
  };
  for (const cost of costs) {
    total.wallMs += cost.wallMs;
    total.processCpuMs += cost.processCpuMs;
    total.redisCpuMs += cost.redisCpuMs;
    total.redisCommands += cost.redisCommands;
    total.clientCommands += cost.clientCommands;
    total.postgresCpuMs += cost.postgresCpuMs;
    total.pgQueries += cost.pgQueries;
    for (const [name, calls] of cost.commandStats)
      total.commandStats.set(name, (total.commandStats.get(name) ?? 0) + calls);
  }
  return total;
}
