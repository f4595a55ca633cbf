import { useEffect, useState } from 'react';
import { getToken, setToken } from './api.ts';
import { EditorPage } from './pages/EditorPage.tsx';
import { ExecutionsPage } from './pages/ExecutionsPage.tsx';
import { RunView } from './pages/RunView.tsx';
import { WorkflowPage } from './pages/WorkflowPage.tsx';
import { WorkflowsPage } from './pages/WorkflowsPage.tsx';
import { Link, useLocation } from './router.tsx';

function TokenPrompt(props: { onDone: () => void }) {
  const [value, setValue] = useState(getToken() ?? '');
  return (
    <form
      className="token"
      onSubmit={(event) => {
        event.preventDefault();
        setToken(value.trim() || null);
        props.onDone();
      }}
    >
      <span>This server needs its API token (SPANE_API_TOKEN):</span>
      <input
        type="password"
        data-testid="token"
        value={value}
        onChange={(event) => setValue(event.target.value)}
      />
      <button type="submit" className="button primary">
        Use token
      </button>
    </form>
  );
}

function Page(props: { path: string; search: URLSearchParams }) {
  const { path, search } = props;
  const execution = /^\/executions\/([^/]+)$/.exec(path);
  if (execution?.[1])
    return <RunView key={execution[1]} executionId={decodeURIComponent(execution[1])} />;
  const workflow = /^\/workflows\/([^/]+)$/.exec(path);
  if (workflow?.[1])
    return (
      <WorkflowPage workflowId={decodeURIComponent(workflow[1])} version={search.get('version')} />
    );
  if (path === '/executions') return <ExecutionsPage />;
  if (path === '/editor')
    return <EditorPage key={search.get('from') ?? ''} from={search.get('from')} />;
  return <WorkflowsPage />;
}

export function App() {
  const { path, search } = useLocation();
  const [needsToken, setNeedsToken] = useState(false);
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    const onUnauthorized = () => setNeedsToken(true);
    window.addEventListener('spane:unauthorized', onUnauthorized);
    return () => window.removeEventListener('spane:unauthorized', onUnauthorized);
  }, []);
  const section = path.startsWith('/executions')
    ? 'executions'
    : path.startsWith('/editor')
      ? 'editor'
      : 'workflows';
  return (
    <div className="app">
      <header className="top">
        <Link to="/" className="brand">
          <span className="logo">◆</span> SPANE
        </Link>
        <nav>
          <Link to="/" className={section === 'workflows' ? 'active' : ''}>
            Workflows
          </Link>
          <Link to="/executions" className={section === 'executions' ? 'active' : ''}>
            Executions
          </Link>
          <Link to="/editor" className={section === 'editor' ? 'active' : ''}>
            Editor
          </Link>
        </nav>
        <a className="docs" href="/api/openapi.json">
          API
        </a>
      </header>
      {needsToken && (
        <TokenPrompt
          onDone={() => {
            setNeedsToken(false);
            setGeneration((n) => n + 1);
          }}
        />
      )}
      <main key={generation}>
        <Page path={path} search={search} />
      </main>
    </div>
  );
}
