/**
 * Maximum-weight assignment of items (actual spans, each usable once) to slot groups (an entry's
 * required or extra slots, each with a capacity), by successive shortest paths on a min-cost flow.
 * The residual graph starts as a DAG, so in exact arithmetic it never holds a negative cycle and
 * Bellman-Ford-style relaxation (SPFA) finds each augmenting path; augmenting stops when no path
 * gains weight. In floating point it can: tiered weights reach 10^7 and more, where one addition
 * rounds by ~10^-9, so a zero-cost cycle (two interchangeable spans — the usual case) summed
 * around once can look negative and SPFA would relax it forever. Hence a tolerance scaled to the
 * largest weight, and a guard that stops at the first sign of a cycle anyway.
 */

export interface WeightedEdge {
  group: number;
  item: number;
  weight: number;
}

/**
 * Gains below this share of the largest weight are rounding noise, not a better assignment: an
 * addition rounds by 2^-53 of its magnitude, so 2^-44 leaves room for paths of 500 edges, and
 * still tells apart the start-order tie-breaks (10^-3 / span count) below weights of ~10^7.
 */
const RELATIVE_TOLERANCE = 2 ** -44;
const MIN_TOLERANCE = 1e-12;

/** Returns, for each edge, whether it is used. */
export function maxWeightAssignment(
  groupCapacities: readonly number[],
  itemCount: number,
  edges: readonly WeightedEdge[],
): boolean[] {
  const groups = groupCapacities.length;
  let largest = 0;
  for (const edge of edges) largest = Math.max(largest, Math.abs(edge.weight));
  const tolerance = Math.max(MIN_TOLERANCE, largest * RELATIVE_TOLERANCE);
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
  // Without a negative cycle SPFA enqueues a node at most nodeCount times.
  const enqueued = new Int32Array(nodeCount);
  for (let cycle = false; !cycle;) {
    dist.fill(Infinity);
    via.fill(-1);
    enqueued.fill(0);
    dist[source] = 0;
    let qHead = 0;
    let qTail = 0;
    queue[qTail++] = source;
    queued[source] = 1;
    while (qHead !== qTail && !cycle) {
      const node = queue[qHead] as number;
      qHead = (qHead + 1) % queue.length;
      queued[node] = 0;
      const base = dist[node] as number;
      for (let e = head[node] as number; e !== -1; e = next[e] as number) {
        if ((capacity[e] as number) <= 0) continue;
        const target = to[e] as number;
        const candidate = base + (cost[e] as number);
        if (candidate < (dist[target] as number) - tolerance) {
          dist[target] = candidate;
          via[target] = e;
          if (!queued[target]) {
            queued[target] = 1;
            queue[qTail] = target;
            qTail = (qTail + 1) % queue.length;
            enqueued[target] = (enqueued[target] as number) + 1;
            if ((enqueued[target] as number) > nodeCount) cycle = true;
          }
        }
      }
    }
    // A cycle means the flow is already optimal up to rounding: keep it rather than follow a
    // path through the cycle (the `via` chain may loop).
    queued.fill(0);
    if (cycle || !((dist[sink] as number) < -tolerance)) break;
    for (let node = sink; node !== source;) {
      const e = via[node] as number;
      capacity[e] = (capacity[e] as number) - 1;
      capacity[e ^ 1] = (capacity[e ^ 1] as number) + 1;
      node = to[e ^ 1] as number;
    }
  }
  return edgeIndex.map((index) => capacity[index] === 0);
}
