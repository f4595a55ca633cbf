import type { ValidationIssue } from '../errors/error-classes.ts';
import type { NodeDefinition } from '../model/workflow-definition.ts';

/** Parents and children of every node, in definition order, plus what was wrong with the edges. */
export interface GraphEdges {
  ids: string[];
  indexOf: Map<string, number>;
  parents: Map<string, string[]>;
  children: Map<string, string[]>;
  issues: ValidationIssue[];
}

/**
 * Reads the edges declared on both sides (`inputs` and `outputs`), reporting duplicate ids, unknown
 * references and sides that disagree. Runs in O(nodes + edges).
 */
export function collectGraphEdges(nodes: readonly NodeDefinition[]): GraphEdges {
  const issues: ValidationIssue[] = [];
  const indexOf = new Map<string, number>();
  const ids: string[] = [];
  nodes.forEach((node, i) => {
    const first = indexOf.get(node.id);
    if (first !== undefined) {
      issues.push({
        path: `nodes[${i}].id`,
        message: `duplicate node id "${node.id}" (first used at nodes[${first}])`,
        kind: 'duplicate-id',
      });
      return;
    }
    indexOf.set(node.id, i);
    ids.push(node.id);
  });

  const parentSets = new Map<string, Set<string>>(ids.map((id) => [id, new Set<string>()]));
  const childSets = new Map<string, Set<string>>(ids.map((id) => [id, new Set<string>()]));
  const declaredInputs = new Map<string, Set<string>>();
  const declaredOutputs = new Map<string, Set<string>>();

  nodes.forEach((node, i) => {
    if (indexOf.get(node.id) !== i) return;
    if (node.inputs !== undefined) {
      declaredInputs.set(node.id, new Set(node.inputs));
      node.inputs.forEach((parent, k) => {
        if (!indexOf.has(parent)) {
          issues.push({
            path: `nodes[${i}].inputs[${k}]`,
            message: `unknown node "${parent}"`,
            kind: 'unknown-reference',
          });
          return;
        }
        parentSets.get(node.id)?.add(parent);
        childSets.get(parent)?.add(node.id);
      });
    }
    if (node.outputs !== undefined) {
      declaredOutputs.set(node.id, new Set(node.outputs));
      node.outputs.forEach((child, k) => {
        if (!indexOf.has(child)) {
          issues.push({
            path: `nodes[${i}].outputs[${k}]`,
            message: `unknown node "${child}"`,
            kind: 'unknown-reference',
          });
          return;
        }
        childSets.get(node.id)?.add(child);
        parentSets.get(child)?.add(node.id);
      });
    }
  });

  // Where both ends declare their side of an edge, both must name it.
  for (const [parent, outputs] of declaredOutputs) {
    for (const child of outputs) {
      const inputs = declaredInputs.get(child);
      if (inputs !== undefined && indexOf.has(child) && !inputs.has(parent)) {
        issues.push({
          path: `nodes[${indexOf.get(child)}].inputs`,
          message: `"${parent}" lists "${child}" among its outputs, but "${child}" does not list "${parent}" among its inputs`,
          kind: 'edge-mismatch',
        });
      }
    }
  }
  for (const [child, inputs] of declaredInputs) {
    for (const parent of inputs) {
      const outputs = declaredOutputs.get(parent);
      if (outputs !== undefined && indexOf.has(parent) && !outputs.has(child)) {
        issues.push({
          path: `nodes[${indexOf.get(parent)}].outputs`,
          message: `"${child}" lists "${parent}" among its inputs, but "${parent}" does not list "${child}" among its outputs`,
          kind: 'edge-mismatch',
        });
      }
    }
  }

  const byDefinitionOrder = (set: Set<string> | undefined): string[] =>
    [...(set ?? [])].sort((a, b) => (indexOf.get(a) ?? 0) - (indexOf.get(b) ?? 0));
  const parents = new Map(ids.map((id) => [id, byDefinitionOrder(parentSets.get(id))]));
  const children = new Map(ids.map((id) => [id, byDefinitionOrder(childSets.get(id))]));
  return { ids, indexOf, parents, children, issues };
}
