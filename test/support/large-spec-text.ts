/** Valid specs near the size limit, shared by the tests and benchmarks of large specs. */

/** The largest text `make(n)` makes within `bytes` (one byte a character: the texts are ASCII). */
export function largestText(make: (n: number) => string, bytes: number): string {
  let low = 1;
  let high = 2;
  while (make(high).length <= bytes) high *= 2;
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (make(middle).length <= bytes) low = middle;
    else high = middle;
  }
  return make(low);
}

/**
 * `roots` top-level entries `op.N`, each a chain `depth` entries deep whose last entry has two
 * children; every entry names a service and two tags, one a range.
 */
export function deepTrees(depth: number): (roots: number) => string {
  return (roots) => {
    const lines = ['name: big', 'expected_spans:'];
    let id = 0;
    const entry = (indent: string, level: number): void => {
      id += 1;
      lines.push(
        `${indent}- operation_name: op.${id}`,
        `${indent}  service_name: svc-${id % 7}`,
        `${indent}  required_tags: { http.route: /items/${id}, http.status_code: { gte: 200, lt: 300 } }`,
      );
      if (level === depth) return;
      lines.push(`${indent}  children:`);
      entry(`${indent}    `, level + 1);
      if (level + 1 === depth) entry(`${indent}    `, level + 1);
    };
    for (let root = 0; root < roots; root += 1) entry('  ', 1);
    return `${lines.join('\n')}\n`;
  };
}

/** A chain of `depth` entries (`level.N`) whose last entry has `leaves` children `op.N`. */
export function deepFan(depth: number): (leaves: number) => string {
  return (leaves) => {
    const lines = ['name: big', 'expected_spans:'];
    let indent = '  ';
    for (let level = 0; level < depth; level += 1) {
      lines.push(`${indent}- operation_name: level.${level}`, `${indent}  children:`);
      indent += '    ';
    }
    for (let leaf = 0; leaf < leaves; leaf += 1) {
      lines.push(
        `${indent}- operation_name: op.${leaf}`,
        `${indent}  required_tags: { http.route: /items/${leaf} }`,
      );
    }
    return `${lines.join('\n')}\n`;
  };
}
