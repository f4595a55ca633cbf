import jsonata from 'jsonata';
import { LRUCache } from 'lru-cache';
import { ExpressionError, ExpressionTimeoutError, type NodeErrorScope } from '../errors.ts';
import { toJsonValue } from './json-value.ts';

/** Limits of expression evaluation. */
export interface ExpressionLimits {
  /** How deep an evaluation may nest (JSONata's `stack` guard): stops runaway recursion. Default is `2_000`. */
  maxDepth?: number | undefined;
  /** The longest sequence an evaluation may build. Default is `1_000_000`. */
  maxSequenceLength?: number | undefined;
  /** How many compiled expressions are kept. Default is `1_000`. */
  cacheSize?: number | undefined;
}

/** A JSONata error as thrown: a plain object with a code and a position, or an Error. */
interface JsonataFailure {
  code?: unknown;
  position?: unknown;
  message?: unknown;
}

/** One evaluation's inputs. */
export interface EvaluateOptions extends NodeErrorScope {
  /** The expression's place in the node's config, for errors. */
  path: string;
  /** Epoch ms by which the evaluation must end. */
  deadline: number;
  /** Extra `$name` variables. */
  bindings?: Record<string, unknown> | undefined;
}

/** An expression compiled once; evaluations share it. */
export interface CompiledExpression {
  readonly source: string;
  /** Evaluates it against `input`; the result is plain JSON data (`undefined` when nothing matched). */
  evaluate(input: unknown, options: EvaluateOptions): Promise<unknown>;
}

/** JSONata's guards, read at every evaluation step: nesting, sequence length, ms since the start. */
interface Guards {
  stack: number;
  sequence: number;
  timeout: number;
}

/** One parsed copy of an expression with guards of its own. */
interface Instance {
  expression: jsonata.Expression;
  guards: Guards;
}

/** Idle parsed copies kept per expression, for evaluations that run at the same time. */
const MAX_IDLE_COPIES = 8;

/**
 * Compiles JSONata expressions once and keeps them (an LRU keyed by the source), and evaluates
 * them within a deadline. JSONata's evaluation is a chain of promises that never yields to timers,
 * so a runaway expression would starve the event loop and no `setTimeout` could stop it: the
 * deadline is checked at every evaluation step instead (JSONata's `timeout` guard), and nesting is
 * capped (its `stack` guard). The guards belong to a parsed copy, so evaluations running at the
 * same time each take a copy of their own (one more is parsed only when all are busy).
 */
export class ExpressionCompiler {
  readonly #cache: LRUCache<string, CompiledExpression>;
  readonly #limits: { stack: number; sequence: number };

  constructor(limits: ExpressionLimits = {}) {
    this.#cache = new LRUCache({ max: limits.cacheSize ?? 1_000 });
    this.#limits = {
      stack: limits.maxDepth ?? 2_000,
      sequence: limits.maxSequenceLength ?? 1_000_000,
    };
  }

  /**
   * The compiled expression, or a thrown {@link ExpressionError} saying where the source does not
   * parse.
   */
  compile(source: string, scope: NodeErrorScope & { path: string }): CompiledExpression {
    const cached = this.#cache.get(source);
    if (cached) return cached;
    const problem = this.check(source);
    if (problem) throw new ExpressionError({ ...scope, ...problem });
    // check() compiled and cached it.
    return this.#cache.get(source) as CompiledExpression;
  }

  /** Compiles `source` (and caches it); returns what is wrong with it, or `undefined`. */
  check(
    source: string,
  ):
    | { message: string; expressionCode: string | undefined; position: number | undefined }
    | undefined {
    if (this.#cache.has(source)) return undefined;
    const parse = (): Instance => {
      const guards: Guards = { ...this.#limits, timeout: 1 };
      return { expression: jsonata(source, guards), guards };
    };
    let first: Instance;
    try {
      first = parse();
    } catch (thrown) {
      return describeFailure(thrown);
    }
    const idle: Instance[] = [first];
    this.#cache.set(source, {
      source,
      async evaluate(input, options) {
        const instance = idle.pop() ?? parse();
        try {
          return await runBudgeted(instance, input, options);
        } finally {
          if (idle.length < MAX_IDLE_COPIES) idle.push(instance);
        }
      },
    });
    return undefined;
  }
}

async function runBudgeted(
  instance: Instance,
  input: unknown,
  options: EvaluateOptions,
): Promise<unknown> {
  const startedAt = Date.now();
  const scope = {
    nodeId: options.nodeId,
    executionId: options.executionId,
    workflowId: options.workflowId,
    path: options.path,
  };
  if (startedAt >= options.deadline) {
    throw new ExpressionTimeoutError({ ...scope, timeoutMs: 0 });
  }
  let result: unknown;
  // Read by JSONata at each step as "ms since this evaluation started"; 0 would mean no limit.
  instance.guards.timeout = Math.max(1, options.deadline - startedAt);
  try {
    result = await instance.expression.evaluate(input, options.bindings);
  } catch (thrown) {
    const failure = describeFailure(thrown);
    // D1012 is JSONata's timeout; one raised inside `$eval` comes wrapped (D3121), hence the clock.
    if (failure.expressionCode === 'D1012' || Date.now() >= options.deadline) {
      throw new ExpressionTimeoutError({ ...scope, timeoutMs: options.deadline - startedAt });
    }
    throw new ExpressionError({ ...scope, ...failure });
  }
  const json = toJsonValue(result);
  if ('error' in json) throw new ExpressionError({ ...scope, message: json.error });
  return json.value;
}

function describeFailure(thrown: unknown): {
  message: string;
  expressionCode: string | undefined;
  position: number | undefined;
} {
  const failure = (typeof thrown === 'object' && thrown !== null ? thrown : {}) as JsonataFailure;
  const code = typeof failure.code === 'string' ? failure.code : undefined;
  const position = typeof failure.position === 'number' ? failure.position : undefined;
  const text = typeof failure.message === 'string' ? failure.message : String(thrown);
  const where = position === undefined ? '' : ` (at position ${position})`;
  return { message: `${text}${code ? ` [${code}]` : ''}${where}`, expressionCode: code, position };
}
