import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { WorkflowValidationError } from '../errors/error-classes.ts';
import { isRetryableError } from '../errors/error-helpers.ts';
import type { ExecutionContext } from '../model/execution.ts';
import { successResult } from '../model/results.ts';
import { CommonNodeSchemas, createValidatedExecutor, validateNodeConfig } from './node-config.ts';

function thrownBy(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}

const context = (nodeConfig: Record<string, unknown>): ExecutionContext =>
  ({ nodeId: 'call', nodeConfig }) as unknown as ExecutionContext;

describe('validateNodeConfig', () => {
  it('returns the parsed config with defaults filled in (method GET)', () => {
    expect(
      validateNodeConfig(CommonNodeSchemas.httpRequest, { url: 'https://example.com/a' }),
    ).toEqual({ url: 'https://example.com/a', method: 'GET' });
  });

  it('rejects a bad url with a non-retryable WorkflowValidationError at config.url', () => {
    const error = thrownBy(() =>
      validateNodeConfig(CommonNodeSchemas.httpRequest, { url: 'not a url', method: 'POST' }),
    );
    expect(error).toBeInstanceOf(WorkflowValidationError);
    const validation = error as WorkflowValidationError;
    expect(validation.issues).toEqual([
      { path: 'config.url', message: 'must be a valid URL', kind: 'node-config' },
    ]);
    expect(isRetryableError(validation)).toBe(false);
  });

  it('reports every bad field of a config, each at its path', () => {
    const error = thrownBy(() =>
      validateNodeConfig(CommonNodeSchemas.httpRequest, {
        url: 'https://example.com',
        method: 'FETCH',
        headers: { 'x-count': 3 },
      }),
    ) as WorkflowValidationError;
    expect(error.issues.map((issue) => issue.path).sort()).toEqual([
      'config.headers.x-count',
      'config.method',
    ]);
  });

  it('treats a missing config as an empty one', () => {
    const error = thrownBy(() =>
      validateNodeConfig(CommonNodeSchemas.httpRequest, undefined),
    ) as WorkflowValidationError;
    expect(error.issues.map((issue) => issue.path)).toEqual(['config.url']);
    expect(validateNodeConfig(CommonNodeSchemas.transform, undefined)).toEqual({});
  });

  it('names the config itself when the whole value is wrong', () => {
    const error = thrownBy(() =>
      validateNodeConfig(CommonNodeSchemas.httpRequest, 'https://example.com'),
    ) as WorkflowValidationError;
    expect(error.issues.map((issue) => issue.path)).toEqual(['config']);
  });

  it('checks the other common schemas', () => {
    expect(() => validateNodeConfig(CommonNodeSchemas.filter, { condition: '' })).toThrow(
      WorkflowValidationError,
    );
    expect(
      validateNodeConfig(CommonNodeSchemas.email, { to: ['a@example.com'], subject: 'Hi' }),
    ).toEqual({ to: ['a@example.com'], subject: 'Hi' });
    expect(() =>
      validateNodeConfig(CommonNodeSchemas.email, { to: 'nobody', subject: 'Hi' }),
    ).toThrow(WorkflowValidationError);
    expect(() => validateNodeConfig(CommonNodeSchemas.database, { operation: 'truncate' })).toThrow(
      WorkflowValidationError,
    );
  });
});

describe('createValidatedExecutor', () => {
  it('hands the executor the parsed config, defaults included', async () => {
    let seen: unknown;
    const executor = createValidatedExecutor('http', CommonNodeSchemas.httpRequest, async (ctx) => {
      seen = ctx.nodeConfig;
      return successResult(ctx.nodeConfig.method);
    });
    expect(executor.type).toBe('http');
    await expect(executor.execute(context({ url: 'https://example.com' }))).resolves.toEqual({
      success: true,
      data: 'GET',
    });
    expect(seen).toEqual({ url: 'https://example.com', method: 'GET' });
  });

  it('fails at once, without running the executor, when the config is bad', async () => {
    let ran = false;
    const executor = createValidatedExecutor('http', CommonNodeSchemas.httpRequest, async () => {
      ran = true;
      return successResult();
    });
    const failure = executor.execute(context({ url: 'nope' }));
    await expect(failure).rejects.toBeInstanceOf(WorkflowValidationError);
    await expect(failure).rejects.toMatchObject({ issues: [{ path: 'config.url' }] });
    expect(ran).toBe(false);
  });

  it('works with any valibot schema', async () => {
    const schema = v.object({ count: v.optional(v.number(), 5) });
    const executor = createValidatedExecutor('count', schema, async (ctx) =>
      successResult(ctx.nodeConfig.count * 2),
    );
    await expect(executor.execute(context({}))).resolves.toMatchObject({ data: 10 });
  });
});
