/**
 * Kahn's algorithm over the given adjacency, stable in the order of `ids`. Returns the ordered ids
 * and the ids that could not be ordered (they sit on or behind a cycle).
 */
export function topologicalOrder(
  ids: readonly string[],
  parents: ReadonlyMap<string, readonly string[]>,
  children: ReadonlyMap<string, readonly string[]>,
): { order: string[]; blocked: string[] } {
  const remaining = new Map<string, number>();
  const queue: string[] = [];
  for (const id of ids) {
    const count = parents.get(id)?.length ?? 0;
    remaining.set(id, count);
    if (count === 0) queue.push(id);
  }
  const order: string[] = [];
  for (let head = 0; head < queue.length; head++) {
    const id = queue[head] as string;
    order.push(id);
    for (const child of children.get(id) ?? []) {
      const left = (remaining.get(child) ?? 0) - 1;
      remaining.set(child, left);
      if (left === 0) queue.push(child);
    }
  }
  const placed = new Set(order);
  return { order, blocked: ids.filter((id) => !placed.has(id)) };
}
