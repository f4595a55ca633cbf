import { type ChildProcess, spawn } from 'node:child_process';

/** Options of {@link runCommand}. */
export interface RunCommandOptions {
  /** Run as this OS user / group (needs root). */
  uid?: number | undefined;
  gid?: number | undefined;
  cwd?: string | undefined;
  /** Written to stdin, which is then closed. */
  input?: string | undefined;
  env?: NodeJS.ProcessEnv | undefined;
}

/** What {@link runCommand} saw: the exit code (`null` when it could not start or was killed) and the output. */
export interface RunCommandResult {
  code: number | null;
  /** stdout and stderr, interleaved. */
  output: string;
}

/**
 * Runs a short command to completion and captures its output; never throws (a spawn failure comes
 * back as `code: null` with the error in `output`). For initdb, version probes and the like.
 */
export function runCommand(
  command: string,
  args: readonly string[],
  options: RunCommandOptions = {},
): Promise<RunCommandResult> {
  return new Promise((resolve) => {
    let output = '';
    let child: ChildProcess;
    try {
      child = spawn(command, args, {
        cwd: options.cwd,
        env: options.env ?? process.env,
        uid: options.uid,
        gid: options.gid,
        stdio: ['pipe', 'pipe', 'pipe'],
      });
    } catch (error) {
      resolve({ code: null, output: String(error) });
      return;
    }
    child.stdout?.on('data', (data: Buffer) => {
      output += data.toString();
    });
    child.stderr?.on('data', (data: Buffer) => {
      output += data.toString();
    });
    // A command that could not start closes with a negative errno as its code: report null.
    let failedToStart = false;
    child.on('error', (error) => {
      failedToStart = true;
      output += `\n${String(error)}`;
    });
    child.on('close', (code) => resolve({ code: failedToStart ? null : code, output }));
    child.stdin?.on('error', () => {});
    child.stdin?.end(options.input ?? '');
  });
}
