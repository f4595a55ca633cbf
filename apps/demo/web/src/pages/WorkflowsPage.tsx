import { DagView } from '../components/DagView.tsx';
import { Link } from '../router.tsx';
import type { WorkflowSummary } from '../types.ts';
import { ago, useApi } from '../use-api.ts';

/** Every workflow, each with a DAG preview. */
export function WorkflowsPage() {
  const { data, error } = useApi<{ items: WorkflowSummary[] }>('/api/workflows');
  return (
    <section>
      <div className="page-head">
        <h1>Workflows</h1>
        <Link to="/editor" className="button primary">
          New workflow
        </Link>
      </div>
      {error && <p className="error">{error}</p>}
      <div className="cards">
        {data?.items.map((workflow) => (
          <article
            className="card"
            key={workflow.workflowId}
            data-workflow-id={workflow.workflowId}
          >
            <DagView
              key={`${workflow.workflowId}@${workflow.version}`}
              nodes={workflow.definition.nodes}
              height={150}
              compact
            />
            <div className="card-body">
              <Link
                to={`/workflows/${encodeURIComponent(workflow.workflowId)}`}
                className="card-title"
              >
                {workflow.name ?? workflow.workflowId}
              </Link>
              <div className="muted">
                <code>{workflow.workflowId}</code> · v{workflow.version} · {workflow.nodeCount}{' '}
                nodes · {ago(workflow.createdAt)}
              </div>
              {workflow.triggers.length > 0 && (
                <div className="triggers">
                  {workflow.triggers.map((trigger) => (
                    <span className="chip" key={JSON.stringify(trigger)}>
                      {trigger.type === 'schedule'
                        ? `⏱ ${String(trigger.config.cron)}`
                        : `↯ webhook /${String(trigger.config.path)}`}
                    </span>
                  ))}
                </div>
              )}
            </div>
          </article>
        ))}
      </div>
    </section>
  );
}
