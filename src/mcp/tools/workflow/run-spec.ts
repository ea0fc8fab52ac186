/** Which spec a run is judged by: the call's expected_spec (a stored name or an inline spec), else the session's. */
import { isSpecName } from '../../../model/spec-name.js';
import type { DevSession } from '../../../workflow/dev-sessions.js';
import type { RunSpec } from '../../../workflow/execute-run.js';
import type { ToolDeps } from '../../tool-deps.js';
import { fromSpecification } from '../specs/spec-common.js';

/** The name an inline spec without one is compared under. */
const INLINE_NAME = 'inline';

export function resolveRunSpec(
  deps: ToolDeps,
  expected: string | Record<string, unknown> | undefined,
  session: DevSession | undefined,
): RunSpec | undefined {
  if (expected === undefined) {
    if (session?.specName === undefined) return undefined;
    const stored = deps.specs.get(session.specName);
    return { name: stored.name, version: stored.version, spec: stored.spec };
  }
  if (typeof expected === 'string' && isSpecName(expected.trim())) {
    const stored = deps.specs.get(expected.trim());
    return { name: stored.name, version: stored.version, spec: stored.spec };
  }
  const given = typeof expected === 'object' && typeof expected.name === 'string' ? expected.name : undefined;
  const spec = fromSpecification(given ?? nameInText(expected) ?? INLINE_NAME, expected);
  return { name: spec.name, spec };
}

/** The `name:` of YAML/JSON text, so an inline spec that names itself is not refused for it. */
function nameInText(expected: string | Record<string, unknown>): string | undefined {
  if (typeof expected !== 'string') return undefined;
  return /^\s*"?name"?\s*:\s*"?([A-Za-z0-9._-]+)"?/m.exec(expected)?.[1];
}
