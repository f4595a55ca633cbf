import {
  ConfigurationError,
  findInvalidId,
  MAX_SUBWORKFLOW_DEPTH,
  UnsupportedInputError,
} from '@spane/core';
import type { EnqueueWorkflowOptions } from './execution-starter.ts';

/** What the arguments after `initialData` of `enqueueWorkflow` ask for, in either call form. */
export interface EnqueueArguments {
  options: EnqueueWorkflowOptions;
  /** Set by the seeds' positional form: the execution the new one is recorded under. */
  parentExecutionId?: string | undefined;
  /** Set by the seeds' positional form: the nesting depth to record. */
  depth?: number | undefined;
}

/**
 * Reads the arguments that follow `initialData`: either `(options?)`, or the seeds' positional
 * `(parentExecutionId?, depth?, parentJobId?, options?)`. Anything that would be dropped silently
 * (an unknown extra argument, a `parentJobId`, a depth out of range, both forms mixed) is refused
 * with an `UnsupportedInputError` instead.
 */
export function readEnqueueArguments(
  workflowId: unknown,
  rest: readonly unknown[],
): EnqueueArguments {
  const context = { workflowId: typeof workflowId === 'string' ? workflowId : undefined };
  const refuse = (path: string, message: string): never => {
    throw new UnsupportedInputError('enqueueWorkflow arguments', { path, message }, context);
  };
  const [third, depth, parentJobId, options, ...extra] = rest;
  if (rest.length <= 1 && (third === undefined || isPlainObject(third))) {
    return { options: (third ?? {}) as EnqueueWorkflowOptions };
  }
  // The positional form of the original SPANE.
  if (extra.length > 0) refuse('arguments', `expected at most 6 arguments, got ${2 + rest.length}`);
  if (third !== undefined && (typeof third !== 'string' || findInvalidId(third) !== undefined))
    refuse(
      'parentExecutionId',
      isPlainObject(third)
        ? 'pass the options object as the third argument alone, or as the sixth in the positional form'
        : 'must be an execution id (a non-empty string) or undefined',
    );
  if (
    depth !== undefined &&
    (typeof depth !== 'number' ||
      !Number.isInteger(depth) ||
      depth < 0 ||
      depth > MAX_SUBWORKFLOW_DEPTH)
  )
    refuse('depth', `must be an integer from 0 to ${MAX_SUBWORKFLOW_DEPTH}`);
  if (parentJobId !== undefined)
    refuse(
      'parentJobId',
      'parent jobs are not used here: a `sub-workflow` node starts and links its children; pass undefined',
    );
  if (options !== undefined && !isPlainObject(options))
    refuse('options', 'must be an options object or undefined');
  if (third === undefined && depth !== undefined && depth !== 0)
    refuse('depth', 'a depth above 0 needs a parentExecutionId');
  return {
    options: (options ?? {}) as EnqueueWorkflowOptions,
    parentExecutionId: third as string | undefined,
    depth: depth as number | undefined,
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Refuses the original SPANE's positional constructor (`new WorkflowEngine(registry, store, …)`)
 * and an options object without its required parts, with a `ConfigurationError` that says what to
 * write instead, before anything connects.
 */
export function checkEngineOptions(options: unknown, argumentCount: number): void {
  const expected =
    'new WorkflowEngine({ registry, store, connection, config? }) takes one options object';
  if (argumentCount > 1 || !isPlainObject(options)) {
    throw new ConfigurationError(
      `${expected}; the positional form of the original SPANE (registry, store, redis, …) is not accepted`,
    );
  }
  const missing = (['registry', 'store', 'connection'] as const).filter(
    (key) => options[key] === undefined || options[key] === null,
  );
  if (missing.length > 0)
    throw new ConfigurationError(`${expected}; missing: ${missing.join(', ')}`);
}
