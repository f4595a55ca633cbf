import { spawn } from 'node:child_process';

/** Options of {@link run}. */
export interface RunOptions {
  cwd?: string | undefined;
  env?: NodeJS.ProcessEnv | undefined;
  /** Kill the command after this long. Default is 5 minutes. */
  timeoutMs?: number | undefined;
}

/** What {@link run} saw: the exit code (`null` if it did not start or was killed) and its output. */
export interface RunResult {
  code: number | null;
  /** stdout and stderr, interleaved. */
  output: string;
}

/** Runs a command to completion, capturing its output; never throws. */
export function run(
  command: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<RunResult> {
  return new Promise((resolve) => {
    let output = '';
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const timer = setTimeout(() => {
      output += `\n[killed after ${options.timeoutMs ?? 300_000} ms]`;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 300_000);
    child.stdout.on('data', (data: Buffer) => {
      output += data.toString();
    });
    child.stderr.on('data', (data: Buffer) => {
      output += data.toString();
    });
    let failedToStart = false;
    child.on('error', (error) => {
      failedToStart = true;
      output += `\n${String(error)}`;
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: failedToStart ? null : code, output });
    });
  });
}

/** The last `lines` lines of a command's output, for error messages. */
export function tail(output: string, lines = 40): string {
  return output.trimEnd().split('\n').slice(-lines).join('\n');
}

/** Runs `items` through `work` with at most `limit` at a time, keeping their order. */
export async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  });
  await Promise.all(lanes);
  return results;
}
