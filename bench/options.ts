/**
 * The bench's command line: flags, the counts of each backend, and the groups of sides to run
 * (one per queue backend). Read once, at import; `--help` prints the usage and exits.
 */
import type { EntryAdds, JoinCounting } from './raw-bullmq.ts';
import {
  isRaw,
  type PostgresServerKind,
  postgresServersOf,
  type QueueBackendKind,
  type SideKind,
} from './side.ts';

const args = process.argv.slice(2).filter((a) => a !== '--');
const flag = (name: string) => args.includes(`--${name}`);
const option = (name: string) =>
  args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
if (flag('help') || flag('h')) {
  console.log(
    [
      'usage: pnpm bench [-- options]',
      '  --quick             small counts (smoke run, < 1 min)',
      '  --no-default        skip the engine with its default config (traces on)',
      '  --observability     what metrics and the event stream cost: the engine with events off, events on, +metrics, +both (Redis, memory store; nothing else)',
      '  --no-postgres       no PostgreSQL at all: neither the pg store nor the pg backend (Redis sides only)',
      '  --only=redis        only the Redis backend (raw, engine with memory store, engine with pg store)',
      '  --only=postgres     only the PostgreSQL backend (raw on pg, engine on pg queue + pg store); no Redis',
      '  --pg-scale=F        counts of chain3/diamond on the PostgreSQL backend, as a fraction of the Redis ones (default 0.2, quick 0.5)',
      '  --pg-rounds=N       rounds on the PostgreSQL backend (default 3, quick 1)',
      '  --durability=M      PostgreSQL sides on the fast server (fsync off), the durable one (fsync on), or both (default both)',
      '  --raw-joins=redis   raw side counts join arrivals with Redis INCR (default: in process; Redis backend only)',
      '  --raw-entries=single  raw side adds entry jobs with one add() each (default: addBulk)',
      '  --rounds=N          rounds of chain3 and diamond per side on Redis, interleaved; median wall time (default 5, quick 1)',
      '  --json=FILE         also write every figure as JSON',
      'REDIS_URL=redis://…        use that Redis instead of starting a private redis-server',
      'DATABASE_URL=postgres://…  use that PostgreSQL instead of starting a private one (its CPU is then not measured)',
    ].join('\n'),
  );
  process.exit(0);
}
const unknown = args.filter(
  (a) =>
    !['--quick', '--no-default', '--no-postgres', '--observability', '--help', '-h'].includes(a) &&
    !/^--(raw-joins|raw-entries|rounds|json|only|pg-scale|pg-rounds|durability)=/.test(a),
);
const ONLY = option('only');
if (ONLY !== undefined && ONLY !== 'redis' && ONLY !== 'postgres') unknown.push(`--only=${ONLY}`);
if (ONLY === 'postgres' && flag('no-postgres')) unknown.push('--only=postgres with --no-postgres');
if (ONLY === 'postgres' && flag('observability'))
  unknown.push('--only=postgres with --observability (it runs on Redis)');
const DURABILITY = option('durability') ?? 'both';
if (!['fast', 'durable', 'both'].includes(DURABILITY)) unknown.push(`--durability=${DURABILITY}`);
if (unknown.length > 0) {
  console.error(`unknown option(s): ${unknown.join(' ')} (try --help)`);
  process.exit(2);
}

export const QUICK = flag('quick');
/**
 * `--observability`: only the Redis backend and the memory store, with the engine's event stream
 * off, on (the default), with `createMetrics`, and with both, beside raw BullMQ.
 */
export const OBSERVABILITY = flag('observability');
export const CONCURRENCY = 50;

/** How much of each workload one backend runs. */
export interface Counts {
  chain3: number;
  diamond: number;
  /** Rounds of chain3 and diamond. */
  rounds: number;
  wideRounds: number;
  latencyBlocks: number;
  latencyRuns: number;
  warmChain: number;
}

export const REDIS_COUNTS: Counts = QUICK
  ? {
      chain3: 200,
      diamond: 50,
      rounds: 1,
      wideRounds: 1,
      latencyBlocks: 1,
      latencyRuns: 30,
      warmChain: 100,
    }
  : {
      chain3: 2000,
      diamond: 500,
      rounds: 5,
      wideRounds: 5,
      latencyBlocks: 4,
      latencyRuns: 50,
      warmChain: 400,
    };
REDIS_COUNTS.rounds = Math.max(1, Number(option('rounds') ?? REDIS_COUNTS.rounds) || 1);

/**
 * BullMQ's PostgreSQL backend runs about 10× fewer jobs per second than Redis on 2 cores, so it
 * gets a fraction of the executions (the same shapes) and fewer rounds.
 */
export const PG_SCALE = Math.min(
  1,
  Math.max(0.01, Number(option('pg-scale') ?? (QUICK ? 0.5 : 0.2)) || 0.2),
);
export const PG_ROUNDS = Math.max(1, Number(option('pg-rounds') ?? (QUICK ? 1 : 3)) || 1);
export const PG_COUNTS: Counts = {
  chain3: Math.max(10, Math.round(REDIS_COUNTS.chain3 * PG_SCALE)),
  diamond: Math.max(5, Math.round(REDIS_COUNTS.diamond * PG_SCALE)),
  rounds: PG_ROUNDS,
  wideRounds: Math.min(REDIS_COUNTS.wideRounds, PG_ROUNDS),
  latencyBlocks: Math.min(REDIS_COUNTS.latencyBlocks, QUICK ? 1 : 2),
  latencyRuns: REDIS_COUNTS.latencyRuns,
  warmChain: Math.max(20, Math.round(REDIS_COUNTS.warmChain * PG_SCALE)),
};

export const RAW_JOINS: JoinCounting = option('raw-joins') === 'redis' ? 'redis' : 'memory';
export const RAW_ENTRIES: EntryAdds = option('raw-entries') === 'single' ? 'single' : 'bulk';
export const JSON_FILE = option('json');
export const USE_POSTGRES = !flag('no-postgres');
export const RUN_REDIS = ONLY !== 'postgres';
export const RUN_PG_BACKEND = USE_POSTGRES && ONLY !== 'redis' && !OBSERVABILITY;
/** PostgreSQL sides on the fast server (fsync, synchronous_commit off). */
export const RUN_FAST = DURABILITY !== 'durable';
/** PostgreSQL sides on the durable server (fsync, synchronous_commit on). */
export const RUN_DURABLE = DURABILITY !== 'fast';

/** The sides of one backend, run interleaved, with that backend's counts. */
export interface Group {
  backend: QueueBackendKind;
  kinds: SideKind[];
  counts: Counts;
  /**
   * Sides that run fewer rounds of chain3, diamond and wide than the others (the engine with the
   * PostgreSQL store on Redis: ~15× slower than the memory store, it would take most of the time).
   */
  capped?: { kinds: SideKind[]; rounds: number } | undefined;
}

export const GROUPS: Group[] = [
  ...(RUN_REDIS
    ? [
        {
          backend: 'redis' as const,
          kinds: (OBSERVABILITY
            ? ['raw', 'engine-bare', 'engine', 'engine-metrics', 'engine-observed', 'engine-traced']
            : [
                'raw',
                'engine',
                ...(flag('no-default') ? [] : ['engine-default']),
                ...(USE_POSTGRES && RUN_FAST ? ['engine-pgstore'] : []),
                ...(USE_POSTGRES && RUN_DURABLE ? ['engine-pgstore-durable'] : []),
              ]) as SideKind[],
          counts: REDIS_COUNTS,
          capped: {
            kinds: ['engine-pgstore', 'engine-pgstore-durable'] as SideKind[],
            rounds: PG_ROUNDS,
          },
        },
      ]
    : []),
  ...(RUN_PG_BACKEND && RUN_FAST
    ? [
        {
          backend: 'postgres' as const,
          kinds: ['raw-pg', 'engine-pg'] as SideKind[],
          counts: PG_COUNTS,
        },
      ]
    : []),
  ...(RUN_PG_BACKEND && RUN_DURABLE
    ? [
        {
          backend: 'postgres-durable' as const,
          kinds: ['raw-pg-durable', 'engine-pg-durable'] as SideKind[],
          counts: PG_COUNTS,
        },
      ]
    : []),
];
export const ALL_KINDS = GROUPS.flatMap((g) => g.kinds);
export const ENGINE_KINDS = ALL_KINDS.filter((k) => !isRaw(k));
export const NEEDS_REDIS = RUN_REDIS;
/** The PostgreSQL servers the sides of this run need. */
export const POSTGRES_SERVERS: PostgresServerKind[] = [
  ...new Set(ALL_KINDS.flatMap((k) => postgresServersOf(k))),
];
export const NEEDS_POSTGRES = POSTGRES_SERVERS.length > 0;
