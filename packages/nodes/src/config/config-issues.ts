import type { NodeConfigIssue } from '@spane/core';
import * as v from 'valibot';

/** A config path such as `cases[1].when` from valibot's issue path. */
export function formatPath(path: readonly { key: unknown }[] | undefined): string {
  let out = '';
  for (const item of path ?? []) {
    const key = item.key;
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

/** Joins a parent path and a key: `joinPath('cases', 1)` is `cases[1]`. */
export function joinPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return parent ? `${parent}.${key}` : key;
}

/** Parses a config, or returns its schema issues with their paths inside the config. */
export function parseConfig<TSchema extends v.GenericSchema>(
  schema: TSchema,
  config: unknown,
): { output: v.InferOutput<TSchema>; issues?: undefined } | { issues: NodeConfigIssue[] } {
  const parsed = v.safeParse(schema, config ?? {});
  if (parsed.success) return { output: parsed.output };
  return {
    issues: parsed.issues.map((issue) => ({
      path: formatPath(issue.path),
      message: issue.message,
    })),
  };
}

/** Issues for branch targets that are not among the node's outputs. */
export function checkTargets(
  path: string,
  ids: readonly string[] | undefined,
  outputs: readonly string[],
): NodeConfigIssue[] {
  const issues: NodeConfigIssue[] = [];
  (ids ?? []).forEach((id, i) => {
    if (!outputs.includes(id)) {
      issues.push({
        path: joinPath(path, i),
        message: `"${id}" is not an output of this node (its outputs: ${outputs.length ? outputs.join(', ') : 'none'})`,
      });
    }
  });
  return issues;
}
