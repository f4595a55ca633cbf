import * as v from 'valibot';
import { WorkflowValidationError } from '../errors/error-classes.ts';
import type { ExecutionContext, ExecutionResult, INodeExecutor } from '../model/execution.ts';
import { extendContext } from '../model/extend-context.ts';
import { formatIssuePath } from './workflow-schema.ts';

/**
 * Checks a node's config against a valibot schema and returns the parsed output (defaults filled).
 *
 * @throws WorkflowValidationError (not retryable) with one issue per problem, at `config.<path>`.
 */
export function validateNodeConfig<TSchema extends v.GenericSchema>(
  schema: TSchema,
  config: unknown,
): v.InferOutput<TSchema> {
  const parsed = v.safeParse(schema, config ?? {});
  if (parsed.success) return parsed.output;
  throw new WorkflowValidationError(
    parsed.issues.map((issue) => {
      const inner = formatIssuePath(issue.path);
      return {
        path: inner ? `config.${inner}` : 'config',
        message: issue.message,
        kind: 'node-config' as const,
      };
    }),
  );
}

/** An executor whose `nodeConfig` is the schema's parsed output. */
export type ValidatedExecutorFunction<TConfig> = (
  context: Omit<ExecutionContext, 'nodeConfig'> & { nodeConfig: TConfig },
) => Promise<ExecutionResult>;

/**
 * Wraps an executor so each node's config is validated before it runs. A bad config fails the node
 * at once with a non-retryable error naming the field.
 *
 * ```ts
 * registry.register('http', createValidatedExecutor('http', CommonNodeSchemas.httpRequest, async (ctx) => {
 *   const response = await fetch(ctx.nodeConfig.url, { method: ctx.nodeConfig.method });
 *   return successResult(await response.json());
 * }));
 * ```
 */
export function createValidatedExecutor<TSchema extends v.GenericSchema>(
  type: string,
  schema: TSchema,
  execute: ValidatedExecutorFunction<v.InferOutput<TSchema>>,
): INodeExecutor & { readonly type: string } {
  return {
    type,
    async execute(context) {
      const nodeConfig = validateNodeConfig(schema, context.nodeConfig);
      return execute(extendContext(context, { nodeConfig }));
    },
  };
}

const httpMethod = v.picklist(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);

/** Ready-made valibot schemas for common node configs. */
export const CommonNodeSchemas = {
  httpRequest: v.object({
    url: v.pipe(v.string(), v.url('must be a valid URL')),
    method: v.optional(httpMethod, 'GET'),
    headers: v.optional(v.record(v.string(), v.string())),
    body: v.optional(v.unknown()),
    timeout: v.optional(v.pipe(v.number(), v.minValue(1))),
  }),
  transform: v.object({
    /** An expression in the engine's expression language (never evaluated as JavaScript). */
    expression: v.optional(v.string()),
    /** `{ targetPath: sourcePath }`, as in sub-workflow mappings. */
    mapping: v.optional(v.record(v.string(), v.string())),
  }),
  filter: v.object({
    /** A boolean expression in the engine's expression language. */
    condition: v.pipe(v.string(), v.minLength(1)),
  }),
  email: v.object({
    to: v.union([v.pipe(v.string(), v.email()), v.array(v.pipe(v.string(), v.email()))]),
    subject: v.string(),
    body: v.optional(v.string()),
    from: v.optional(v.pipe(v.string(), v.email())),
  }),
  database: v.object({
    table: v.optional(v.pipe(v.string(), v.minLength(1))),
    query: v.optional(v.pipe(v.string(), v.minLength(1))),
    operation: v.optional(v.picklist(['select', 'insert', 'update', 'delete', 'upsert'])),
  }),
} as const;
