import {
  type ExecutionContext,
  type ExecutionResult,
  type INodeExecutor,
  type NodeConfigIssue,
  type NodeConfigTarget,
  validateNodeConfig,
} from '@spane/core';
import type * as v from 'valibot';
import { checkTargets, parseConfig } from '../config/config-issues.ts';
import { expressionDeadline } from '../expressions/expression-budget.ts';
import type { ExpressionCompiler } from '../expressions/expression-compiler.ts';

/** A built-in node type: its executor, with its name, a line about it and its config schema. */
export interface BuiltinNode extends INodeExecutor {
  readonly type: string;
  readonly description: string;
  /** The valibot schema of the node's config (the editor's form; checked at registration). */
  readonly configSchema: v.GenericSchema;
  validateConfig(
    config: Readonly<Record<string, unknown>>,
    target: NodeConfigTarget,
  ): readonly NodeConfigIssue[];
}

/** What every built-in node shares: one expression compiler and the expression time budget. */
export interface BuiltinNodeDeps {
  compiler: ExpressionCompiler;
  /** The longest a node's expressions may run per attempt, even with a longer node timeout. */
  expressionTimeoutMs: number;
}

/** What a node's `run` gets: the attempt, its parsed config, and an evaluator bound to both. */
export interface NodeRun<TConfig> {
  ctx: ExecutionContext;
  config: TConfig;
  /** Epoch ms by which this attempt's expressions must end. */
  deadline: number;
  /** Evaluates the expression at `path` of the config (compiled at registration) against `input`. */
  evaluate(
    path: string,
    source: string,
    input: unknown,
    bindings?: Record<string, unknown>,
  ): Promise<unknown>;
}

/** The shape of one built-in node type. */
export interface BuiltinNodeSpec<TSchema extends v.GenericSchema> {
  type: string;
  description: string;
  schema: TSchema;
  /** Every expression of a parsed config with its path, compiled at registration. */
  expressions(config: v.InferOutput<TSchema>): Array<{ path: string; source: string }>;
  /** Node ids the config names as branch targets, checked against the node's outputs. */
  targets?(config: v.InferOutput<TSchema>): Array<{ path: string; ids: readonly string[] }>;
  /** Further registration checks. */
  check?(config: v.InferOutput<TSchema>): NodeConfigIssue[];
  run(run: NodeRun<v.InferOutput<TSchema>>): Promise<ExecutionResult>;
}

/**
 * Builds a built-in node's executor: `validateConfig` parses the config, compiles its expressions
 * (so a bad one is refused at registration, with its path) and checks its branch targets;
 * `execute` parses the config again (a non-retryable error naming the field when it is wrong) and
 * runs the node with expressions bounded by the attempt's deadline.
 */
export function defineBuiltinNode<TSchema extends v.GenericSchema>(
  spec: BuiltinNodeSpec<TSchema>,
  deps: BuiltinNodeDeps,
): BuiltinNode {
  return {
    type: spec.type,
    description: spec.description,
    configSchema: spec.schema,
    validateConfig(config, target) {
      const parsed = parseConfig(spec.schema, config);
      if (parsed.issues) return parsed.issues;
      const issues: NodeConfigIssue[] = [];
      for (const found of spec.expressions(parsed.output)) {
        const problem = deps.compiler.check(found.source);
        if (problem) issues.push({ path: found.path, message: problem.message });
      }
      for (const found of spec.targets?.(parsed.output) ?? []) {
        issues.push(...checkTargets(found.path, found.ids, target.outputs));
      }
      issues.push(...(spec.check?.(parsed.output) ?? []));
      return issues;
    },
    async execute(ctx) {
      const config = validateNodeConfig(spec.schema, ctx.nodeConfig);
      const deadline = expressionDeadline(ctx.deadline, deps.expressionTimeoutMs);
      const scope = {
        nodeId: ctx.nodeId,
        executionId: ctx.executionId,
        workflowId: ctx.workflowId,
      };
      return spec.run({
        ctx,
        config,
        deadline,
        evaluate: (path, source, input, bindings) =>
          deps.compiler
            .compile(source, { ...scope, path })
            .evaluate(input, { ...scope, path, deadline, bindings }),
      });
    },
  };
}
