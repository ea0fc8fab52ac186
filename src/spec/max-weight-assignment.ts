/**
 * Maximum-weight assignment of items (actual spans, each usable once) to slot groups (an entry's
 * required or extra slots, each with a capacity), by successive shortest paths on a min-cost flow.
 * The residual graph starts as a DAG, so it never holds a negative cycle and Bellman-Ford-style
 * relaxation (SPFA) finds each augmenting path; augmenting stops when no path gains weight.
 */

export interface WeightedEdge {
  group: number;
  item: number;
  weight: number;
}

/** Gains smaller than this are rounding noise of the tiered weights, not a better assignment. */
const EPSILON = 1e-9;

/** Returns, for each edge, whether it is used. */
export function maxWeightAssignment(groupCapacities: readonly number[], itemCount: number, edges: readonly WeightedEdge[]): boolean[] {
  const groups = groupCapacities.length;
  const nodeCount = 2 + groups + itemCount;
  const source = 0;
  const sink = 1;
  const to: number[] = [];
  const capacity: number[] = [];
  const cost: number[] = [];
  const next: number[] = [];
  const head = new Int32Array(nodeCount).fill(-1);
  const addEdge = (from: number, target: number, cap: number, edgeCost: number): number => {
    const index = to.length;
    to.push(target, from);
    capacity.push(cap, 0);
    cost.push(edgeCost, -edgeCost);
    next.push(head[from] ?? -1, head[target] ?? -1);
    head[from] = index;
    head[target] = index + 1;
    return index;
  };
  groupCapacities.forEach((cap, group) => {
    if (cap > 0) addEdge(source, 2 + group, cap, 0);
  });
  const itemNode = (item: number): number => 2 + groups + item;
  const edgeIndex = edges.map((edge) => addEdge(2 + edge.group, itemNode(edge.item), 1, -edge.weight));
  for (let item = 0; item < itemCount; item += 1) addEdge(itemNode(item), sink, 1, 0);

  const dist = new Float64Array(nodeCount);
  const via = new Int32Array(nodeCount);
  const queued = new Uint8Array(nodeCount);
  const queue = new Int32Array(nodeCount + 1);
  for (;;) {
    dist.fill(Infinity);
    via.fill(-1);
    dist[source] = 0;
    let qHead = 0;
    let qTail = 0;
    queue[qTail++] = source;
    queued[source] = 1;
    while (qHead !== qTail) {
      const node = queue[qHead] as number;
      qHead = (qHead + 1) % queue.length;
      queued[node] = 0;
      const base = dist[node] as number;
      for (let e = head[node] as number; e !== -1; e = next[e] as number) {
        if ((capacity[e] as number) <= 0) continue;
        const target = to[e] as number;
        const candidate = base + (cost[e] as number);
        if (candidate < (dist[target] as number) - EPSILON) {
          dist[target] = candidate;
          via[target] = e;
          if (!queued[target]) {
            queued[target] = 1;
            queue[qTail] = target;
            qTail = (qTail + 1) % queue.length;
          }
        }
      }
    }
    if (!((dist[sink] as number) < -EPSILON)) break;
    for (let node = sink; node !== source; ) {
      const e = via[node] as number;
      capacity[e] = (capacity[e] as number) - 1;
      capacity[e ^ 1] = (capacity[e ^ 1] as number) + 1;
      node = to[e ^ 1] as number;
    }
  }
  return edgeIndex.map((index) => capacity[index] === 0);
}
