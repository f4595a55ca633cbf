import { useState } from 'react';
import { api } from '../api.ts';
import { DagView } from '../components/DagView.tsx';
import { Link, navigate } from '../router.tsx';
import type { WorkflowDetail } from '../types.ts';
import { ago, useApi } from '../use-api.ts';
import { ExecutionTable } from './ExecutionsPage.tsx';

/** One workflow: its DAG, its versions, a run form and its recent executions. */
export function WorkflowPage(props: { workflowId: string; version: string | null }) {
  const query = props.version ? `?version=${encodeURIComponent(props.version)}` : '';
  const { data, error } = useApi<WorkflowDetail>(
    `/api/workflows/${encodeURIComponent(props.workflowId)}${query}`,
  );
  const [input, setInput] = useState('{}');
  const [runError, setRunError] = useState<string>();

  async function run() {
    setRunError(undefined);
    try {
      const initialData = JSON.parse(input) as unknown;
      const { executionId } = await api<{ executionId: string }>(
        `/api/workflows/${encodeURIComponent(props.workflowId)}/execute`,
        { method: 'POST', body: { initialData } },
      );
      navigate(`/executions/${executionId}`);
    } catch (failure) {
      setRunError(failure instanceof Error ? failure.message : String(failure));
    }
  }

  if (error) return <p className="error">{error}</p>;
  if (!data) return <p className="muted">Loading…</p>;
  return (
    <section>
      <div className="page-head">
        <h1>{data.definition.name ?? data.workflowId}</h1>
        <Link to={`/editor?from=${encodeURIComponent(data.workflowId)}`} className="button">
          Edit
        </Link>
      </div>
      {data.definition.description && <p className="muted">{data.definition.description}</p>}
      <div className="split">
        <div className="panel grow">
          <DagView
            key={`${data.workflowId}@${data.version}`}
            nodes={data.definition.nodes}
            height={320}
          />
        </div>
        <aside className="panel side">
          <h3>Run</h3>
          <label className="field">
            Initial data (JSON)
            <textarea
              data-testid="run-input"
              value={input}
              onChange={(event) => setInput(event.target.value)}
              rows={5}
            />
          </label>
          <button type="button" className="button primary" data-testid="run-workflow" onClick={run}>
            Run v{data.latestVersion}
          </button>
          {runError && <p className="error">{runError}</p>}
          <h3>Versions</h3>
          <ul className="versions">
            {data.versions.map((version) => (
              <li
                key={version.version}
                className={version.version === data.version ? 'current' : ''}
              >
                <Link
                  to={`/workflows/${encodeURIComponent(data.workflowId)}?version=${version.version}`}
                >
                  v{version.version}
                </Link>
                <span className="muted"> {ago(version.createdAt)}</span>
              </li>
            ))}
          </ul>
        </aside>
      </div>
      <h2>Executions</h2>
      <ExecutionTable workflowId={data.workflowId} />
    </section>
  );
}
