import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { killChild, spawnReady } from './spawn-ready.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spane-spawn-ready-'));
const script = (name: string, body: string) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, body);
  return file;
};
const spawned: ChildProcess[] = [];
afterAll(async () => {
  await Promise.all(spawned.map(killChild));
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('spawnReady', () => {
  it('resolves once the child prints ready, having handed it over at spawn', async () => {
    const seen: ChildProcess[] = [];
    const file = script('ok.ts', "process.stdout.write('ready\\n'); setInterval(() => {}, 1000);");
    const child = await spawnReady(file, {
      onSpawn: (c) => {
        seen.push(c);
        spawned.push(c);
      },
    });
    expect(seen).toEqual([child]);
    expect(child.exitCode).toBeNull();
    await killChild(child);
    expect(child.signalCode).toBe('SIGKILL');
  });

  it('rejects with stderr when the child exits before it is ready', async () => {
    const file = script('dies.ts', "console.error('no config'); process.exit(3);");
    await expect(spawnReady(file, { onSpawn: (c) => spawned.push(c) })).rejects.toThrow(
      /exited \(3\) before it was ready: no config/,
    );
  });

  it('kills a child that is not ready within the deadline', async () => {
    const file = script('hangs.ts', 'setInterval(() => {}, 1000);');
    let child: ChildProcess | undefined;
    await expect(
      spawnReady(file, {
        onSpawn: (c) => {
          child = c;
          spawned.push(c);
        },
        readyTimeoutMs: 300,
      }),
    ).rejects.toThrow(/printed no "ready" within 300 ms/);
    await new Promise((resolve) =>
      child?.exitCode !== null || child?.signalCode !== null
        ? resolve(null)
        : child?.once('exit', resolve),
    );
    expect(child?.signalCode).toBe('SIGKILL');
  });
});
