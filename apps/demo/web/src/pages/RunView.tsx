import { useEffect, useState } from 'react';
import { api } from '../api.ts';
import { DagView } from '../components/DagView.tsx';
import { formatDuration } from '../components/SpaneNode.tsx';
import { Link, navigate } from '../router.tsx';
import type { DlqItem, LogEntry, NodeView } from '../types.ts';
import { ago, useApi } from '../use-api.ts';
import { useLiveExecution } from '../use-live-execution.ts';

function Json(props: { value: unknown; testId?: string }) {
  if (props.value === undefined) return <p className="muted">—</p>;
  return (
    <pre className="json" data-testid={props.testId}>
      {JSON.stringify(props.value, null, 2)}
    </pre>
  );
}

/** The selected node: input, output, error, attempts, logs, its child executions, replay and DLQ retry. */
function NodePanel(props: {
  executionId: string;
  node: NodeView;
  logs: LogEntry[];
  dlq: DlqItem | undefined;
  onAction: (action: () => Promise<unknown>) => void;
}) {
  const { node } = props;
  const result = node.result;
  return (
    <div className="node-panel" data-testid="node-panel" data-node-id={node.id}>
      <div className="panel-head">
        <h3>{node.name ?? node.id}</h3>
        <span className={`badge badge-${node.status}`}>{node.status}</span>
      </div>
      <dl className="facts">
        <dt>type</dt>
        <dd>
          <code>{node.type}</code>
        </dd>
        <dt>attempts</dt>
        <dd data-testid="node-attempts">{node.attempts}</dd>
        <dt>duration</dt>
        <dd>{formatDuration(node.durationMs) || '—'}</dd>
      </dl>
      {node.childExecutionIds.length > 0 && (
        <>
          <h4>Child executions</h4>
          <ul className="children">
            {node.childExecutionIds.map((child) => (
              <li key={child}>
                <Link to={`/executions/${child}`} testId="child-execution">
                  <code>{child.slice(0, 8)}</code>
                </Link>
              </li>
            ))}
          </ul>
        </>
      )}
      <h4>Input</h4>
      <Json value={node.input} />
      <h4>Output</h4>
      <Json value={result?.success ? result.data : undefined} testId="node-output" />
      {result?.error && (
        <>
          <h4>Error</h4>
          <pre className="json error-text">{result.error}</pre>
        </>
      )}
      <h4>Logs</h4>
      {props.logs.length === 0 ? (
        <p className="muted">—</p>
      ) : (
        <ul className="logs">
          {props.logs.map((entry, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: log lines have no id and never reorder
            <li key={`${entry.timestamp}-${index}`} className={`log-${entry.level}`}>
              <span className="muted">{new Date(entry.timestamp).toLocaleTimeString()}</span>{' '}
              {entry.message}
            </li>
          ))}
        </ul>
      )}
      <div className="actions">
        <button
          type="button"
          className="button"
          data-testid="replay-from-node"
          onClick={() =>
            props.onAction(async () => {
              const { executionId } = await api<{ executionId: string }>(
                `/api/executions/${props.executionId}/replay`,
                {
                  method: 'POST',
                  body: { fromNodeId: node.id },
                },
              );
              navigate(`/executions/${executionId}`);
            })
          }
        >
          Replay from this node
        </button>
        {props.dlq && (
          <button
            type="button"
            className="button primary"
            data-testid="retry-dlq"
            onClick={() =>
              props.onAction(() =>
                api(`/api/dlq/${encodeURIComponent(props.dlq?.id ?? '')}/retry`, {
                  method: 'POST',
                }),
              )
            }
          >
            Retry from the DLQ
          </button>
        )}
      </div>
    </div>
  );
}

/** `/executions/:id`: the execution's DAG with each node's state, live, and its controls. */
export function RunView(props: { executionId: string }) {
  const { executionId } = props;
  const { view, error, refresh } = useLiveExecution(executionId);
  const [selected, setSelected] = useState<string>();
  const [actionError, setActionError] = useState<string>();
  const status = view?.status;
  const { data: logs } = useApi<{ items: LogEntry[] }>(
    `/api/executions/${executionId}/logs`,
    `${status}:${view?.resolvedCount}`,
  );
  const { data: dlq } = useApi<{ items: DlqItem[] }>(
    status === 'failed' ? '/api/dlq?limit=1000' : null,
    status,
  );

  useEffect(() => {
    if (view && selected === undefined) {
      const first = view.nodes.find((node) => node.status === 'failed') ?? view.nodes[0];
      setSelected(first?.id);
    }
  }, [view, selected]);

  function act(action: () => Promise<unknown>) {
    setActionError(undefined);
    action()
      .then(() => refresh())
      .catch((failure: unknown) =>
        setActionError(failure instanceof Error ? failure.message : String(failure)),
      );
  }
  const control = (what: 'pause' | 'resume' | 'cancel') =>
    act(() => api(`/api/executions/${executionId}/${what}`, { method: 'POST' }));

  if (error && !view) return <p className="error">{error}</p>;
  if (!view) return <p className="muted">Loading…</p>;
  const node = view.nodes.find((candidate) => candidate.id === selected);
  const done = view.nodes.filter((candidate) =>
    ['completed', 'skipped', 'failed'].includes(candidate.status),
  ).length;
  return (
    <section data-testid="run-view" data-execution-status={view.status}>
      <div className="page-head">
        <div>
          <div className="crumbs">
            <Link to={`/workflows/${encodeURIComponent(view.workflowId)}`}>
              {view.workflow.name ?? view.workflowId}
            </Link>
            <span className="muted"> / v{view.workflowVersion} / </span>
            <code>{view.executionId}</code>
          </div>
          <h1>
            Execution{' '}
            <span className={`badge badge-${view.status} big`} data-testid="execution-status">
              {view.status}
            </span>
          </h1>
        </div>
        <div className="actions">
          <button
            type="button"
            className="button"
            data-testid="pause"
            disabled={view.status !== 'running'}
            onClick={() => control('pause')}
          >
            ❚❚ Pause
          </button>
          <button
            type="button"
            className="button"
            data-testid="resume"
            disabled={view.status !== 'paused'}
            onClick={() => control('resume')}
          >
            ▶ Resume
          </button>
          <button
            type="button"
            className="button danger"
            data-testid="cancel"
            disabled={!['running', 'paused', 'pending'].includes(view.status)}
            onClick={() => control('cancel')}
          >
            ✕ Cancel
          </button>
        </div>
      </div>
      <div className="summary">
        <span>
          {done}/{view.nodes.length} nodes done
        </span>
        <span className="muted">started {ago(view.startedAt)}</span>
        {view.completedAt && (
          <span className="muted">
            took{' '}
            {formatDuration(
              new Date(view.completedAt).getTime() - new Date(view.startedAt).getTime(),
            )}
          </span>
        )}
        {view.parentExecutionId && (
          <Link to={`/executions/${view.parentExecutionId}`} testId="parent-execution">
            ↰ parent execution
          </Link>
        )}
        {typeof view.metadata.replayOf === 'string' && (
          <Link to={`/executions/${view.metadata.replayOf}`}>
            ↺ replay of {view.metadata.replayOf.slice(0, 8)}
          </Link>
        )}
      </div>
      {view.error && <p className="error">{view.error}</p>}
      {actionError && (
        <p className="error" data-testid="action-error">
          {actionError}
        </p>
      )}
      <div className="split">
        <div className="panel grow">
          <DagView
            key={`${view.workflowId}@${view.workflowVersion}`}
            nodes={view.workflow.nodes}
            states={view.nodes}
            selected={selected}
            onSelect={setSelected}
            height={460}
          />
          <div className="legend">
            {['pending', 'running', 'completed', 'failed', 'skipped', 'paused', 'held'].map((s) => (
              <span key={s}>
                <i className={`dot dot-${s}`} /> {s}
              </span>
            ))}
          </div>
        </div>
        <aside className="panel side">
          {node ? (
            <NodePanel
              executionId={executionId}
              node={node}
              logs={(logs?.items ?? []).filter((entry) => entry.nodeId === node.id)}
              dlq={dlq?.items.find(
                (item) => item.data.executionId === executionId && item.data.nodeId === node.id,
              )}
              onAction={act}
            />
          ) : (
            <p className="muted">Select a node.</p>
          )}
        </aside>
      </div>
      <details className="panel details">
        <summary>Initial data</summary>
        <Json value={view.initialData} />
      </details>
    </section>
  );
}
