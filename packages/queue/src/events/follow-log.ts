/**
 * The follow loop shared by the event logs: read a page after the cursor, hand it out, and when
 * caught up wait for the next append (or the poll interval), until aborted or closed.
 * @module
 */
import type { AppendNotifier } from './append-notifier.ts';
import type { FollowLogEventsOptions, LogEvent } from './event-log.ts';

/** What a log gives the loop. */
export interface FollowSource {
  /** A page after `after`: the matching events, and the last id looked at (matching or not). */
  scan(after: string, executionId: string | undefined, limit: number): Promise<ScanPage>;
  latestId(): Promise<string | undefined>;
  notifier: AppendNotifier;
  pollInterval: number;
  /** Aborted when the log closes. */
  closed: AbortSignal;
}

/** One page of a scan. */
export interface ScanPage {
  events: LogEvent[];
  /** The last id the page looked at; `undefined` when there was nothing after the cursor. */
  lastId: string | undefined;
  /** Whether the page was full (more may follow at once). */
  full: boolean;
}

const PAGE = 500;

/** Follows a log: see {@link EventLog.follow}. */
export async function* followLog(
  source: FollowSource,
  options: FollowLogEventsOptions,
): AsyncGenerator<LogEvent> {
  const stop = options.signal ? AbortSignal.any([options.signal, source.closed]) : source.closed;
  if (stop.aborted) return;
  await source.notifier.listen();
  let cursor = options.after ?? (await source.latestId()) ?? '0';
  while (!stop.aborted) {
    const generation = source.notifier.generation;
    const page = await source.scan(cursor, options.executionId, PAGE);
    for (const event of page.events) {
      if (stop.aborted) return;
      yield event;
    }
    if (page.lastId !== undefined) cursor = page.lastId;
    if (!page.full) await source.notifier.wait(generation, source.pollInterval, stop);
  }
}
