import { type ChildProcess, spawn } from 'node:child_process';

/**
 * Stops a server if the process that started it dies without stopping it (SIGKILL, a crash, a
 * `process.exit` whose exit handler could not run). A detached `sh` reads "SIGNAL:PID" lines from
 * a pipe held by this process: "done" means the server was stopped properly and it exits; EOF means
 * this process is gone, so it signals every PID it was given, waits up to 10 s, SIGKILLs what is
 * left, and removes the directories it was given.
 */
export class Watchdog {
  static readonly #script = `
pids=""
while IFS= read -r line; do
  case "$line" in
    done) exit 0 ;;
    *) pids="$pids $line" ;;
  esac
done
for e in $pids; do kill -s "\${e%%:*}" "\${e#*:}" 2>/dev/null; done
i=0
while [ $i -lt 100 ]; do
  alive=0
  for e in $pids; do kill -0 "\${e#*:}" 2>/dev/null && alive=1; done
  [ $alive = 0 ] && break
  sleep 0.1
  i=$((i + 1))
done
for e in $pids; do kill -s KILL "\${e#*:}" 2>/dev/null; done
for d in "$@"; do rm -rf "$d"; done
`;

  #child: ChildProcess | undefined;

  /** Starts the watchdog; `removeOnCrash` are the directories it deletes after the servers died. */
  constructor(options: { removeOnCrash?: readonly string[] | undefined } = {}) {
    const child = spawn(
      'sh',
      ['-c', Watchdog.#script, 'spane-local-services-watchdog', ...(options.removeOnCrash ?? [])],
      { detached: true, stdio: ['pipe', 'ignore', 'ignore'] },
    );
    child.on('error', () => {});
    child.stdin?.on('error', () => {});
    child.unref();
    // Keep the pipe open for our lifetime without holding the event loop open.
    (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
    this.#child = child;
  }

  /** Watches one more process: on our death it gets `signal`, then SIGKILL if it lingers. */
  watch(pid: number, signal: NodeJS.Signals): void {
    // dash's `kill -s` wants names without the SIG prefix.
    this.#child?.stdin?.write(`${signal.replace(/^SIG/, '')}:${pid}\n`);
  }

  /** Ends the watchdog after a clean stop: it exits without touching anything. */
  release(): void {
    const child = this.#child;
    if (!child) return;
    this.#child = undefined;
    try {
      child.stdin?.end('done\n');
    } catch {
      // it is gone already
    }
  }
}
