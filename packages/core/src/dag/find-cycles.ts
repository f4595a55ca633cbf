/**
 * Finds one cycle per strongly connected component of the graph: each is the list of node ids in
 * edge order with the first id repeated at the end (`['a', 'b', 'c', 'a']`). Iterative (no
 * recursion), so a 100,000-node chain cannot overflow the stack; O(nodes + edges).
 */
export function findCycles(
  ids: readonly string[],
  children: ReadonlyMap<string, readonly string[]>,
): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let counter = 0;

  for (const root of ids) {
    if (index.has(root)) continue;
    const work: Array<{ id: string; next: number }> = [{ id: root, next: 0 }];
    index.set(root, counter);
    low.set(root, counter);
    counter++;
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1] as { id: string; next: number };
      const kids = children.get(frame.id) ?? [];
      if (frame.next < kids.length) {
        const child = kids[frame.next++] as string;
        if (!index.has(child)) {
          index.set(child, counter);
          low.set(child, counter);
          counter++;
          stack.push(child);
          onStack.add(child);
          work.push({ id: child, next: 0 });
        } else if (onStack.has(child)) {
          low.set(frame.id, Math.min(low.get(frame.id) as number, index.get(child) as number));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent)
        low.set(parent.id, Math.min(low.get(parent.id) as number, low.get(frame.id) as number));
      if (low.get(frame.id) === index.get(frame.id)) {
        const component: string[] = [];
        let member: string | undefined;
        do {
          member = stack.pop() as string;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.id);
        const selfLoop = (children.get(frame.id) ?? []).includes(frame.id);
        if (component.length > 1 || selfLoop) components.push(component);
      }
    }
  }

  const order = new Map(ids.map((id, i) => [id, i]));
  return components
    .map((component) => cycleThrough(component, children, order))
    .sort((a, b) => (order.get(a[0] as string) ?? 0) - (order.get(b[0] as string) ?? 0));
}

/** The shortest cycle through the component's first node (in definition order), by BFS inside it. */
function cycleThrough(
  component: readonly string[],
  children: ReadonlyMap<string, readonly string[]>,
  order: ReadonlyMap<string, number>,
): string[] {
  const members = new Set(component);
  const start = [...component].sort(
    (a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0),
  )[0] as string;
  const cameFrom = new Map<string, string>();
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    const id = queue[head] as string;
    for (const child of children.get(id) ?? []) {
      if (!members.has(child)) continue;
      if (child === start) {
        const path = [start];
        for (
          let at: string | undefined = id;
          at !== undefined && at !== start;
          at = cameFrom.get(at)
        ) {
          path.push(at);
        }
        path.push(start);
        path.reverse();
        return path;
      }
      if (!cameFrom.has(child)) {
        cameFrom.set(child, id);
        queue.push(child);
      }
    }
  }
  return [start, start];
}
