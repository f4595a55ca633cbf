import { describe, expect, it } from 'vitest';
import {
  CircuitBreakerOpenError,
  ConfigurationError,
  CycleDetectedError,
  EngineShutdownError,
  ExecutionCancelledError,
  ExecutionNotFoundError,
  InvalidNextNodesError,
  InvalidResultError,
  InvalidStateTransitionError,
  NodeExecutionError,
  NodeTimeoutError,
  PayloadNotFoundError,
  QueueUnavailableError,
  RateLimitError,
  SubWorkflowDepthError,
  UnknownNodeTypeError,
  ValidationError,
  VersionConflictError,
  WorkflowNotFoundError,
  WorkflowValidationError,
} from './error-classes.ts';
import { WorkflowError, type WorkflowErrorCode } from './workflow-error.ts';

const cases: Array<[string, () => WorkflowError, WorkflowErrorCode, boolean]> = [
  [
    'WorkflowValidationError',
    () => new WorkflowValidationError([{ path: 'nodes', message: 'x', kind: 'schema' }]),
    'VALIDATION_ERROR',
    false,
  ],
  ['CycleDetectedError', () => new CycleDetectedError(['a', 'a']), 'CYCLE_DETECTED', false],
  ['WorkflowNotFoundError', () => new WorkflowNotFoundError('wf'), 'WORKFLOW_NOT_FOUND', false],
  ['ExecutionNotFoundError', () => new ExecutionNotFoundError('e'), 'EXECUTION_NOT_FOUND', false],
  ['UnknownNodeTypeError', () => new UnknownNodeTypeError('t'), 'UNKNOWN_NODE_TYPE', false],
  [
    'NodeExecutionError',
    () => new NodeExecutionError('n', 'e', 'boom'),
    'NODE_EXECUTION_FAILED',
    true,
  ],
  ['NodeTimeoutError', () => new NodeTimeoutError('n', 'e', 100), 'NODE_TIMEOUT', true],
  [
    'InvalidNextNodesError',
    () => new InvalidNextNodesError('n', ['x'], ['y']),
    'INVALID_NEXT_NODES',
    false,
  ],
  [
    'InvalidResultError',
    () => new InvalidResultError('n', 'not an object'),
    'INVALID_RESULT',
    false,
  ],
  ['ConfigurationError', () => new ConfigurationError('bad'), 'CONFIGURATION_ERROR', false],
  ['RateLimitError', () => new RateLimitError('http', 500), 'RATE_LIMITED', true],
  [
    'CircuitBreakerOpenError',
    () => new CircuitBreakerOpenError('http'),
    'CIRCUIT_BREAKER_OPEN',
    true,
  ],
  ['VersionConflictError', () => new VersionConflictError('e', 1, 2), 'VERSION_CONFLICT', true],
  [
    'InvalidStateTransitionError',
    () => new InvalidStateTransitionError('e', 'completed', 'running'),
    'INVALID_STATE_TRANSITION',
    false,
  ],
  [
    'SubWorkflowDepthError',
    () => new SubWorkflowDepthError('wf', 11, 10),
    'SUBWORKFLOW_DEPTH_EXCEEDED',
    false,
  ],
  ['ExecutionCancelledError', () => new ExecutionCancelledError('e'), 'EXECUTION_CANCELLED', false],
  ['EngineShutdownError', () => new EngineShutdownError(), 'ENGINE_SHUTDOWN', true],
  ['PayloadNotFoundError', () => new PayloadNotFoundError('ref'), 'PAYLOAD_NOT_FOUND', false],
  [
    'QueueUnavailableError',
    () => new QueueUnavailableError('syncing schedules', new Error('ECONNREFUSED')),
    'QUEUE_UNAVAILABLE',
    true,
  ],
];

describe('error classes', () => {
  it.each(cases)(
    '%s has its code, its retryability and its own name',
    (name, make, code, retryable) => {
      const error = make();
      expect(error).toBeInstanceOf(WorkflowError);
      expect(error).toBeInstanceOf(Error);
      expect(error.code).toBe(code);
      expect(error.retryable).toBe(retryable);
      expect(error.name).toBe(name);
      expect(WorkflowError.isInstance(error)).toBe(true);
    },
  );

  it('ValidationError is the seeds’ name for WorkflowValidationError', () => {
    expect(ValidationError).toBe(WorkflowValidationError);
  });

  it('CycleDetectedError is a WorkflowValidationError that carries the cycle as an issue', () => {
    const error = new CycleDetectedError(['a', 'b', 'a'], { workflowId: 'wf' });
    expect(error).toBeInstanceOf(WorkflowValidationError);
    expect(error.cycle).toEqual(['a', 'b', 'a']);
    expect(Object.isFrozen(error.cycle)).toBe(true);
    expect(error.issues).toEqual([
      { path: 'nodes', message: 'cycle: a -> b -> a', kind: 'cycle', cycle: ['a', 'b', 'a'] },
    ]);
    expect(error.message).toContain('"wf"');
    expect(error.message).toContain('a -> b -> a');
  });

  it('WorkflowValidationError lists the first five issues in its message and counts the rest', () => {
    const issues = Array.from({ length: 7 }, (_, i) => ({
      path: `nodes[${i}].id`,
      message: 'bad',
      kind: 'schema' as const,
    }));
    const error = new WorkflowValidationError(issues);
    expect(error.message).toContain('nodes[4].id: bad');
    expect(error.message).not.toContain('nodes[5].id');
    expect(error.message).toContain('(and 2 more)');
    expect(error.issues).toHaveLength(7);
  });

  it('NodeExecutionError can be marked non-retryable and keeps its cause', () => {
    const cause = new Error('socket hang up');
    const error = new NodeExecutionError('n', 'e', 'failed', { cause, retryable: false });
    expect(error.retryable).toBe(false);
    expect(error.cause).toBe(cause);
    expect(error.originalCause).toBe(cause);
    expect(error.nodeId).toBe('n');
    expect(error.executionId).toBe('e');
  });

  it('keeps the context fields of the specialised errors', () => {
    expect(new RateLimitError('http', 250).retryAfterMs).toBe(250);
    expect(new NodeTimeoutError('n', 'e', 100).timeoutMs).toBe(100);
    expect(new VersionConflictError('e', 1, 3)).toMatchObject({
      expectedVersion: 1,
      actualVersion: 3,
    });
    expect(new InvalidStateTransitionError('e', 'completed', 'running')).toMatchObject({
      from: 'completed',
      to: 'running',
    });
    expect(new UnknownNodeTypeError('mystery', { nodeId: 'n' })).toMatchObject({
      nodeType: 'mystery',
      nodeId: 'n',
    });
    expect(new CircuitBreakerOpenError('db', { retryAfterMs: 10 }).message).toContain('10 ms');
  });
});

describe('WorkflowError', () => {
  it('defaults to a retryable WORKFLOW_ERROR', () => {
    const error = new WorkflowError({ message: 'x' });
    expect(error.code).toBe('WORKFLOW_ERROR');
    expect(error.retryable).toBe(true);
    expect(error.originalCause).toBeUndefined();
  });

  it('recognises an error from another copy of the package by its marker', () => {
    const foreign = Object.assign(new Error('from elsewhere'), {
      [Symbol.for('spane.error')]: true,
      code: 'WORKFLOW_ERROR',
      retryable: false,
    });
    expect(foreign).not.toBeInstanceOf(WorkflowError);
    expect(WorkflowError.isInstance(foreign)).toBe(true);
  });

  it('does not recognise plain errors and non-objects', () => {
    expect(WorkflowError.isInstance(new Error('x'))).toBe(false);
    expect(WorkflowError.isInstance({ code: 'VALIDATION_ERROR' })).toBe(false);
    expect(WorkflowError.isInstance(null)).toBe(false);
    expect(WorkflowError.isInstance('WorkflowError')).toBe(false);
  });

  it('serialises to JSON with its code and ids, without a stack', () => {
    const error = new NodeTimeoutError('n', 'e', 100);
    const json = JSON.parse(JSON.stringify(error)) as Record<string, unknown>;
    expect(json).toMatchObject({
      name: 'NodeTimeoutError',
      code: 'NODE_TIMEOUT',
      retryable: true,
      nodeId: 'n',
      executionId: 'e',
    });
    expect(typeof json.timestamp).toBe('string');
    expect(json.stack).toBeUndefined();
  });
});
