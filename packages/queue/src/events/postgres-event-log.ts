/**
 * {@link EventLog} on a PostgreSQL table `<schema>.event_log`: one statement per append that takes
 * a transaction-level advisory lock per log (so ids become visible in id order: a reader that
 * resumes after id n never later finds a smaller id committed), inserts the rows and NOTIFYs the
 * followers at commit. Every 100th append trims the log to about `maxLength` rows.
 * @module
 */

import { type PostgresConnection, quoteIdentifier } from '../coordination/postgres-connection.ts';
import { CoordinationTable } from '../coordination/postgres-coordination-table.ts';
import { PostgresSignalChannel } from '../coordination/postgres-signal-channel.ts';
import { postgresChannelName } from '../coordination/signal-channel-names.ts';
import { encodeSignal } from '../coordination/signal-envelope.ts';
import { APPENDED_TOPIC, AppendNotifier } from './append-notifier.ts';
import {
  DEFAULT_EVENT_LOG_MAX_LENGTH,
  DEFAULT_EVENT_LOG_PREFIX,
  type EventLog,
  type EventLogOptions,
  type FollowLogEventsOptions,
  type LogEvent,
  type NewLogEvent,
  type ReadLogEventsOptions,
} from './event-log.ts';
import { EventLogClosedError, InvalidEventIdError } from './event-log-errors.ts';
import { followLog, type ScanPage } from './follow-log.ts';

/** Options of {@link PostgresEventLog}. */
export interface PostgresEventLogOptions extends EventLogOptions {
  /** A connection string (the log creates and ends its pool) or a `pg.Pool` (you end it). */
  connection: PostgresConnection;
  /** Schema of the `event_log` table, created if missing. Default is `spane_coordination`. */
  schema?: string | undefined;
}

interface EventLogStatements {
  ddl: readonly string[];
  append: string;
  scan: string;
  scanExecution: string;
  latest: string;
  trim: string;
}

/** Statements for one (validated) schema. `append` takes $1 stream and $2..$5 arrays. */
function eventLogStatements(schema: string): EventLogStatements {
  const s = quoteIdentifier(schema);
  const table = `${s}.event_log`;
  const columns = 'e.id::text AS id, e.type, e.execution_id, e.at, e.data';
  return {
    ddl: [
      `CREATE SCHEMA IF NOT EXISTS ${s}`,
      `CREATE TABLE IF NOT EXISTS ${table} (
        id bigserial PRIMARY KEY,
        stream text NOT NULL,
        type text NOT NULL,
        execution_id text,
        at bigint NOT NULL,
        data jsonb
      )`,
      `CREATE INDEX IF NOT EXISTS event_log_stream_id_idx ON ${table} (stream, id)`,
      `CREATE INDEX IF NOT EXISTS event_log_stream_execution_idx ON ${table} (stream, execution_id, id)`,
    ],
    // One statement (its own transaction): the advisory lock, the rows in order, and the wake-up
    // NOTIFY, delivered at commit. $1 lock key, $2 stream, $3..$6 arrays, $7 channel, $8 payload.
    append: `WITH lock AS MATERIALIZED (SELECT pg_advisory_xact_lock(hashtext($1)) AS locked),
      inserted AS (
        INSERT INTO ${table} (stream, type, execution_id, at, data)
        SELECT $2, t.type, t.execution_id, t.at, t.data
        FROM lock, unnest($3::text[], $4::text[], $5::bigint[], $6::jsonb[]) WITH ORDINALITY
          AS t(type, execution_id, at, data, n)
        ORDER BY t.n
        RETURNING id
      ),
      notified AS MATERIALIZED (SELECT pg_notify($7, $8) FROM lock)
      SELECT inserted.id::text AS id FROM inserted, notified ORDER BY inserted.id`,
    scan: `SELECT ${columns} FROM ${table} e
      WHERE e.stream = $1 AND e.id > $2::bigint ORDER BY e.id LIMIT $3`,
    scanExecution: `SELECT ${columns} FROM ${table} e
      WHERE e.stream = $1 AND e.execution_id = $4 AND e.id > $2::bigint ORDER BY e.id LIMIT $3`,
    latest: `SELECT e.id::text AS id FROM ${table} e WHERE e.stream = $1 ORDER BY e.id DESC LIMIT 1`,
    trim: `DELETE FROM ${table} WHERE stream = $1 AND id <= (
      SELECT id FROM ${table} WHERE stream = $1 ORDER BY id DESC OFFSET $2 LIMIT 1)`,
  };
}

interface EventRow {
  id: string;
  type: string;
  execution_id: string | null;
  at: string;
  data: unknown;
}

const SERIAL = /^\d{1,19}$/;

function validateId(id: string): string {
  if (typeof id !== 'string' || !SERIAL.test(id)) {
    throw new InvalidEventIdError(String(id), 'a decimal serial number such as "42"');
  }
  return id;
}

function toEvent(row: EventRow): LogEvent {
  const event: LogEvent = { id: row.id, type: row.type, timestamp: Number(row.at), data: row.data };
  if (row.execution_id !== null) event.executionId = row.execution_id;
  return event;
}

/** Events as rows of `<schema>.event_log`, one stream per prefix. */
export class PostgresEventLog implements EventLog {
  readonly prefix: string;
  readonly #table: CoordinationTable<EventLogStatements>;
  readonly #signals: PostgresSignalChannel;
  readonly #notifier: AppendNotifier;
  readonly #maxLength: number;
  readonly #pollInterval: number;
  readonly #closing = new AbortController();
  #appends = 0;

  constructor(options: PostgresEventLogOptions) {
    const onError = options.onError ?? (() => undefined);
    this.prefix = options.prefix ?? DEFAULT_EVENT_LOG_PREFIX;
    this.#maxLength = options.maxLength ?? DEFAULT_EVENT_LOG_MAX_LENGTH;
    this.#pollInterval = options.pollInterval ?? 1000;
    this.#table = new CoordinationTable({
      connection: options.connection,
      schema: options.schema,
      onError,
      statements: eventLogStatements,
    });
    this.#signals = new PostgresSignalChannel({
      connection: this.#table.pool,
      prefix: this.prefix,
      onError,
    });
    this.#notifier = new AppendNotifier({ channel: this.#signals, onError });
  }

  async append(events: readonly NewLogEvent[]): Promise<string[]> {
    this.#assertOpen('append');
    if (events.length === 0) return [];
    await this.#table.ensure();
    const result = await this.#table.pool.query<{ id: string }>(this.#table.sql.append, [
      `spane_event_log:${this.prefix}`,
      this.prefix,
      events.map((event) => event.type),
      events.map((event) => event.executionId ?? null),
      events.map((event) => Math.trunc(event.timestamp)),
      events.map((event) => JSON.stringify(event.data ?? null)),
      postgresChannelName(this.prefix, APPENDED_TOPIC),
      encodeSignal(APPENDED_TOPIC, 1),
    ]);
    const ids = result.rows.map((row) => row.id);
    if (++this.#appends % 100 === 0) {
      await this.#table.pool
        .query(this.#table.sql.trim, [this.prefix, this.#maxLength])
        .catch(() => undefined);
    }
    return ids;
  }

  async read(options: ReadLogEventsOptions = {}): Promise<LogEvent[]> {
    this.#assertOpen('read');
    const after = validateId(options.after ?? '0');
    const page = await this.#scan(after, options.executionId, options.limit ?? 1000);
    return page.events;
  }

  follow(options: FollowLogEventsOptions = {}): AsyncIterable<LogEvent> {
    this.#assertOpen('follow');
    if (options.after !== undefined) validateId(options.after);
    return followLog(
      {
        scan: (after, executionId, limit) => this.#scan(after, executionId, limit),
        latestId: () => this.latestId(),
        notifier: this.#notifier,
        pollInterval: this.#pollInterval,
        closed: this.#closing.signal,
      },
      options,
    );
  }

  async latestId(): Promise<string | undefined> {
    await this.#table.ensure();
    const result = await this.#table.pool.query<{ id: string }>(this.#table.sql.latest, [
      this.prefix,
    ]);
    return result.rows[0]?.id;
  }

  async close(): Promise<void> {
    if (this.#closing.signal.aborted) return;
    this.#closing.abort();
    this.#notifier.wakeAll();
    await this.#signals.close();
    await this.#table.close();
  }

  async #scan(after: string, executionId: string | undefined, limit: number): Promise<ScanPage> {
    await this.#table.ensure();
    const sql = this.#table.sql;
    const result =
      executionId === undefined
        ? await this.#table.pool.query<EventRow>(sql.scan, [this.prefix, after, limit])
        : await this.#table.pool.query<EventRow>(sql.scanExecution, [
            this.prefix,
            after,
            limit,
            executionId,
          ]);
    const events = result.rows.map(toEvent);
    return { events, lastId: events.at(-1)?.id, full: events.length >= limit };
  }

  #assertOpen(operation: string): void {
    if (this.#closing.signal.aborted) throw new EventLogClosedError(operation);
  }
}
