import type { NodeConfigIssue } from '@spane/core';
import { joinPath } from '../config/config-issues.ts';
import type {
  CompiledExpression,
  EvaluateOptions,
  ExpressionCompiler,
} from './expression-compiler.ts';

/**
 * A config value that may hold expressions: any JSON value, where an object of the one key
 * `$expr` (`{ "$expr": "'Bearer ' & token" }`) stands for the value of that JSONata expression.
 * Objects and arrays are walked, so `{ "id": { "$expr": "user.id" }, "kind": "user" }` mixes both.
 */
export type ValueTemplate = unknown;

/** Whether a value is an `{ $expr: string }` expression marker. */
export function isExpressionMarker(value: unknown): value is { $expr: string } {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.keys(value).length === 1 &&
    typeof (value as { $expr?: unknown }).$expr === 'string'
  );
}

/** Every expression source in a template, with its path (`body.id.$expr`). */
export function templateExpressions(
  template: ValueTemplate,
  path: string,
): Array<{ path: string; source: string }> {
  if (isExpressionMarker(template))
    return [{ path: joinPath(path, '$expr'), source: template.$expr }];
  if (Array.isArray(template)) {
    return template.flatMap((item, i) => templateExpressions(item, joinPath(path, i)));
  }
  if (typeof template === 'object' && template !== null) {
    return Object.entries(template).flatMap(([key, item]) =>
      templateExpressions(item, joinPath(path, key)),
    );
  }
  return [];
}

/** Compiles every expression of a template; returns the issues of those that do not parse. */
export function checkTemplate(
  compiler: ExpressionCompiler,
  template: ValueTemplate,
  path: string,
): NodeConfigIssue[] {
  const issues: NodeConfigIssue[] = [];
  for (const found of templateExpressions(template, path)) {
    const problem = compiler.check(found.source);
    if (problem) issues.push({ path: found.path, message: problem.message });
  }
  return issues;
}

/** The template's value: literals as they are, each `$expr` evaluated against `input`. */
export async function renderTemplate(
  compiler: ExpressionCompiler,
  template: ValueTemplate,
  input: unknown,
  options: EvaluateOptions,
): Promise<unknown> {
  if (isExpressionMarker(template)) {
    const path = joinPath(options.path, '$expr');
    const expression: CompiledExpression = compiler.compile(template.$expr, { ...options, path });
    return expression.evaluate(input, { ...options, path });
  }
  if (Array.isArray(template)) {
    const out: unknown[] = [];
    for (let i = 0; i < template.length; i++) {
      out.push(
        await renderTemplate(compiler, template[i], input, {
          ...options,
          path: joinPath(options.path, i),
        }),
      );
    }
    return out;
  }
  if (typeof template === 'object' && template !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(template)) {
      const value = await renderTemplate(compiler, item, input, {
        ...options,
        path: joinPath(options.path, key),
      });
      if (value !== undefined) {
        Object.defineProperty(out, key, {
          value,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
    }
    return out;
  }
  return template;
}
