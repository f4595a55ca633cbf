import { describe, expect, it } from 'vitest';
import { ExpressionError, ExpressionTimeoutError } from '../errors.ts';
import { ExpressionCompiler } from './expression-compiler.ts';

const scope = { path: 'expression', nodeId: 'n1' };
const soon = (ms = 2_000) => Date.now() + ms;

/** The error a promise rejects with (the test fails if it resolves). */
function failure(promise: Promise<unknown>): Promise<ExpressionError & ExpressionTimeoutError> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (thrown: unknown) => thrown as ExpressionError & ExpressionTimeoutError,
  );
}

describe('ExpressionCompiler', () => {
  it('compiles a source once and evaluates it to plain JSON data', async () => {
    const compiler = new ExpressionCompiler();
    const first = compiler.compile('{ "total": $sum(items.price), "names": items.name }', scope);
    expect(compiler.compile('{ "total": $sum(items.price), "names": items.name }', scope)).toBe(
      first,
    );
    const value = await first.evaluate(
      {
        items: [
          { name: 'a', price: 2 },
          { name: 'b', price: 3 },
        ],
      },
      { ...scope, deadline: soon() },
    );
    expect(value).toEqual({ total: 5, names: ['a', 'b'] });
    expect(Array.isArray((value as { names: unknown }).names)).toBe(true);
  });

  it('says where a source does not parse, with JSONata code and position', () => {
    const compiler = new ExpressionCompiler();
    const problem = compiler.check('amount > ');
    expect(problem?.expressionCode).toMatch(/^S0/);
    expect(problem?.message).toMatch(/position \d+/);
    let error: unknown;
    try {
      compiler.compile('amount > ', scope);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(ExpressionError);
    expect((error as ExpressionError).code).toBe('EXPRESSION_ERROR');
    expect((error as ExpressionError).retryable).toBe(false);
    expect((error as ExpressionError).path).toBe('expression');
  });

  it('stops an endless (tail-recursive) expression at its deadline, though timers cannot fire', async () => {
    const compiler = new ExpressionCompiler();
    const endless = compiler.compile('($f := function($x) { $f($x + 1) }; $f(0))', scope);
    const started = Date.now();
    const error = await failure(endless.evaluate({}, { ...scope, deadline: soon(300) }));
    const took = Date.now() - started;
    expect(error).toBeInstanceOf(ExpressionTimeoutError);
    expect(error.code).toBe('NODE_TIMEOUT');
    expect(took).toBeGreaterThanOrEqual(250);
    expect(took).toBeLessThan(2_000);
  });

  it('stops an endless expression run through $eval too', async () => {
    const compiler = new ExpressionCompiler();
    const inner = compiler.compile('$eval("($f := function($x) { $f($x + 1) }; $f(0))")', scope);
    const error = await failure(inner.evaluate({}, { ...scope, deadline: soon(200) }));
    expect(error).toBeInstanceOf(ExpressionTimeoutError);
  });

  it('stops runaway recursion at maxDepth with an ExpressionError', async () => {
    const compiler = new ExpressionCompiler({ maxDepth: 200 });
    const deep = compiler.compile('($f := function($x) { 1 + $f($x + 1) }; $f(0))', scope);
    const error = await failure(deep.evaluate({}, { ...scope, deadline: soon(10_000) }));
    expect(error).toBeInstanceOf(ExpressionError);
    expect(error.expressionCode).toBe('D1011');
  });

  it('keeps the deadlines of concurrent evaluations of one expression apart', async () => {
    const compiler = new ExpressionCompiler();
    const endless = compiler.compile('($f := function($x) { $f($x + 1) }; $f(0))', scope);
    const quick = compiler.compile('a + 1', scope);
    const [stopped, fine] = await Promise.allSettled([
      endless.evaluate({}, { ...scope, deadline: soon(200) }),
      quick.evaluate({ a: 1 }, { ...scope, deadline: soon(60_000) }),
    ]);
    expect(stopped.status).toBe('rejected');
    expect(fine).toEqual({ status: 'fulfilled', value: 2 });
  });

  it('refuses a result holding a function, and fails at once past the deadline', async () => {
    const compiler = new ExpressionCompiler();
    const lambda = compiler.compile('{ "f": function($x) { $x } }', scope);
    await expect(lambda.evaluate({}, { ...scope, deadline: soon() })).rejects.toThrow(
      /holds a function at f/,
    );
    await expect(
      compiler.compile('1', scope).evaluate({}, { ...scope, deadline: Date.now() - 1 }),
    ).rejects.toBeInstanceOf(ExpressionTimeoutError);
  });

  it('reports evaluation errors (a type error) as non-retryable ExpressionErrors', async () => {
    const compiler = new ExpressionCompiler();
    const error = await failure(
      compiler.compile('a + "x"', scope).evaluate({ a: 1 }, { ...scope, deadline: soon() }),
    );
    expect(error).toBeInstanceOf(ExpressionError);
    expect(error.expressionCode).toBe('T2002');
    expect(error.message).toContain('config.expression');
  });
});
