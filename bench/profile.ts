/**
 * Runs one side on one workload in a loop, for profiling the process (not part of `pnpm bench`):
 *
 *   node --conditions=@spane/source --cpu-prof --cpu-prof-dir=/tmp/prof bench/profile.ts engine chain3 10
 *
 * Arguments: side (raw | raw-single | engine | engine-default | engine-pg: the Postgres store), workload (chain3 | diamond | wide1000
 * | latency: 200 single chain3 executions one at a time), rounds.
 */
import { startBenchPostgres } from './postgres-server.ts';
import { RawBullmqSide } from './raw-bullmq.ts';
import { startBenchRedis } from './redis-server.ts';
import { chainShape, fanShape } from './shapes.ts';
import type { Side } from './side.ts';
import { SpaneEngineSide } from './spane-engine.ts';

const [kind = 'engine', workload = 'chain3', roundsArg = '10'] = process.argv.slice(2);
const shapes = {
  chain3: { shape: chainShape(3), count: 2000 },
  diamond: { shape: fanShape('diamond', 10), count: 500 },
  wide1000: { shape: fanShape('wide1000', 1000), count: 1 },
  latency: { shape: chainShape(3), count: 200 },
};
const chosen = shapes[workload as keyof typeof shapes];
if (!chosen) throw new Error(`unknown workload ${workload}`);
const redis = await startBenchRedis();
const postgres = kind === 'engine-pg' ? await startBenchPostgres() : undefined;
const prefix = `prof-${Date.now()}`;
const side: Side = kind.startsWith('raw')
  ? new RawBullmqSide({
      queue: { backend: 'redis', url: redis.url },
      prefix,
      shapes: [chosen.shape],
      concurrency: 50,
      joins: 'memory',
      entries: kind === 'raw-single' ? 'single' : 'bulk',
    })
  : new SpaneEngineSide({
      queue: { backend: 'redis', url: redis.url },
      prefix,
      shapes: [chosen.shape],
      concurrency: 50,
      config: kind === 'engine-default' ? {} : { traces: false },
      ...(postgres
        ? { store: { kind: 'postgres' as const, url: postgres.url, schema: 'prof', poolSize: 20 } }
        : {}),
    });
try {
  await side.start();
  const before = process.cpuUsage();
  const t0 = performance.now();
  const rounds = Number(roundsArg);
  for (let r = 0; r < rounds; r++) {
    if (workload === 'latency')
      for (let i = 0; i < chosen.count; i++) await side.runOne(chosen.shape);
    else await side.runMany(chosen.shape, chosen.count);
  }
  const nodes = rounds * chosen.count * chosen.shape.size;
  const cpu = process.cpuUsage(before);
  const ms = performance.now() - t0;
  console.log(
    `${kind} ${workload}: ${nodes} nodes in ${ms.toFixed(0)} ms = ${((nodes / ms) * 1000).toFixed(0)} nodes/s, process CPU ${((cpu.user + cpu.system) / nodes).toFixed(1)} µs/node`,
  );
} finally {
  await side.close();
  await redis.stop();
  await postgres?.stop();
}
process.exit(0);
