/**
 * CPU time of a server process and its children, read from Linux `/proc`: how the bench measures
 * the PostgreSQL server, whose postmaster forks one backend process per connection.
 *
 * The total is the root's own time plus the time of the children it already reaped (`cutime`,
 * `cstime`: backends that exited), plus the time of every live child. Clock ticks are
 * `_SC_CLK_TCK`, 100 per second on Linux.
 */
import fs from 'node:fs';

/** Linux's USER_HZ, fixed at 100 on every architecture Node runs on. */
const TICKS_PER_SECOND = 100;

/** utime + stime + cutime + cstime of one process, in ticks; undefined when it is gone. */
function ticksOf(pid: number): number | undefined {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) may hold spaces and parentheses: the fields after it start at the
  // last ')'. Then: state(3) ppid(4) … utime(14) stime(15) cutime(16) cstime(17).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const [utime, stime, cutime, cstime] = [11, 12, 13, 14].map((i) => Number(fields[i] ?? 0));
  return (utime ?? 0) + (stime ?? 0) + (cutime ?? 0) + (cstime ?? 0);
}

/** The live children of `pid` (from its `children` file, or by scanning `/proc` for its ppid). */
function childrenOf(pid: number): number[] {
  try {
    const text = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
    return text === '' ? [] : text.split(' ').map(Number);
  } catch {
    const children: number[] = [];
    for (const entry of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        if (ppid === pid) children.push(Number(entry));
      } catch {
        // exited while we looked
      }
    }
    return children;
  }
}

/** Whether {@link processTreeCpuMs} can measure `pid` here (Linux, process visible). */
export function canMeasureProcessTree(pid: number): boolean {
  return ticksOf(pid) !== undefined;
}

/**
 * CPU ms used so far by `pid`, its reaped children and its live children. NaN when `pid` is gone.
 * A child that exits between the listing and the read is missed once (its time moves into the
 * root's `cutime`), so a delta may be off by one backend's lifetime; the bench's connections live
 * for the whole measured window, so that does not happen inside one.
 */
export function processTreeCpuMs(pid: number): number {
  const root = ticksOf(pid);
  if (root === undefined) return Number.NaN;
  let ticks = root;
  for (const child of childrenOf(pid)) ticks += ticksOf(child) ?? 0;
  return (ticks * 1000) / TICKS_PER_SECOND;
}
