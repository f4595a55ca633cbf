import { useState } from 'react';
import { Link } from '../router.tsx';
import type { ExecutionStatus, ExecutionSummary } from '../types.ts';
import { ago, useApi } from '../use-api.ts';

const STATUSES: ExecutionStatus[] = [
  'pending',
  'running',
  'paused',
  'completed',
  'failed',
  'cancelled',
];
const PAGE = 15;

/** A page of executions with filters; "Older" follows the cursor. */
export function ExecutionTable(props: { workflowId?: string | undefined }) {
  const [workflowId, setWorkflowId] = useState(props.workflowId ?? '');
  const [status, setStatus] = useState('');
  const [since, setSince] = useState('');
  const [cursors, setCursors] = useState<string[]>([]);
  const params = new URLSearchParams({ limit: String(PAGE) });
  if (workflowId) params.set('workflowId', workflowId);
  if (status) params.set('status', status);
  if (since) params.set('startedAfter', new Date(since).toISOString());
  const cursor = cursors.at(-1);
  if (cursor) params.set('cursor', cursor);
  const { data, error } = useApi<{ items: ExecutionSummary[]; nextCursor: string | null }>(
    `/api/executions?${params}`,
  );
  const reset = () => setCursors([]);
  return (
    <div className="panel">
      <div className="filters">
        {!props.workflowId && (
          <input
            placeholder="workflow id"
            data-testid="filter-workflow"
            value={workflowId}
            onChange={(event) => {
              setWorkflowId(event.target.value.trim());
              reset();
            }}
          />
        )}
        <select
          data-testid="filter-status"
          value={status}
          onChange={(event) => {
            setStatus(event.target.value);
            reset();
          }}
        >
          <option value="">any status</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
        <label className="inline">
          since
          <input
            type="datetime-local"
            value={since}
            onChange={(event) => {
              setSince(event.target.value);
              reset();
            }}
          />
        </label>
      </div>
      {error && <p className="error">{error}</p>}
      <table className="table">
        <thead>
          <tr>
            <th>execution</th>
            <th>workflow</th>
            <th>status</th>
            <th>started</th>
            <th>nodes done</th>
          </tr>
        </thead>
        <tbody>
          {data?.items.map((execution) => (
            <tr key={execution.executionId} data-execution-id={execution.executionId}>
              <td>
                <Link to={`/executions/${execution.executionId}`}>
                  <code>{execution.executionId.slice(0, 8)}</code>
                </Link>
                {execution.parentExecutionId && <span className="muted"> ↳ child</span>}
              </td>
              <td>
                {execution.workflowId} <span className="muted">v{execution.workflowVersion}</span>
              </td>
              <td>
                <span className={`badge badge-${execution.status}`}>{execution.status}</span>
              </td>
              <td className="muted">{ago(execution.startedAt)}</td>
              <td>{execution.resolvedCount}</td>
            </tr>
          ))}
          {data && data.items.length === 0 && (
            <tr>
              <td colSpan={5} className="muted">
                No executions match.
              </td>
            </tr>
          )}
        </tbody>
      </table>
      <div className="pager">
        <button
          type="button"
          className="button"
          disabled={cursors.length === 0}
          onClick={() => setCursors(cursors.slice(0, -1))}
        >
          ← Newer
        </button>
        <span className="muted">page {cursors.length + 1}</span>
        <button
          type="button"
          className="button"
          data-testid="older"
          disabled={!data?.nextCursor}
          onClick={() => data?.nextCursor && setCursors([...cursors, data.nextCursor])}
        >
          Older →
        </button>
      </div>
    </div>
  );
}

export function ExecutionsPage() {
  return (
    <section>
      <div className="page-head">
        <h1>Executions</h1>
      </div>
      <ExecutionTable />
    </section>
  );
}
