/**
 * What every README example may take as given without declaring it: the objects a reader has made
 * in the example before (an `engine`, a `registry`, a Hono `app`, …), and stand-ins (typed `any`)
 * for the libraries the examples show but the workspace does not install.
 */
export const SNIPPET_PRELUDE: Readonly<Record<string, string>> = {
  'given.d.ts': `
import type { ExecutionStore, NodeRegistry, WorkflowDefinition } from '@spane/core';
import type { WorkflowEngine } from '@spane/engine';
import type { QueueConnection } from '@spane/queue';
import type { Hono } from 'hono';
import type { Server } from 'node:http';

declare global {
  const engine: WorkflowEngine;
  const registry: NodeRegistry;
  const store: ExecutionStore;
  const connection: QueueConnection;
  const definition: WorkflowDefinition;
  const app: Hono;
  const server: Server;
}
`,
  'not-installed.d.ts': `
declare module '@opentelemetry/sdk-node';
declare module '@opentelemetry/exporter-trace-otlp-http';
declare module 'pino';
`,
};
