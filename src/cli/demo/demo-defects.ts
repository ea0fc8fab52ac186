/**
 * Which of the example's defects the demo's red run switches on. One defect can hide another:
 * with missing-call on, order-service never calls payment-service, so slow-payment has nothing to
 * slow down and the red run could not show it. `all` therefore means every defect that can show
 * alongside the others, and the demo says what it left out; a list the user names is run as given,
 * with what is hidden said next to it.
 */
import { OtelMcpError } from '../../model/errors.js';

/** A defect of examples/checkout that another one hides, and why. */
const HIDDEN_BY: Record<string, { by: string; why: string }> = {
  'slow-payment': {
    by: 'missing-call',
    why: 'order-service no longer calls payment-service, so a slow payment cannot show',
  },
};

export interface ChosenDefect {
  name: string;
  /** The manifest's account of what the defect does and how the verdict shows it. */
  what: string;
  /** Switched on, but another chosen defect keeps it from showing. */
  hiddenBy?: { by: string; why: string };
}

export interface DefectChoice {
  /** For the example's defects variable: the names, comma-separated. */
  value: string;
  on: ChosenDefect[];
  /** Left out of `all` because a chosen defect would hide them. */
  leftOut: { name: string; by: string; why: string }[];
}

/** `requested` is `all` or a comma list of the manifest's defect names. */
export function chooseDefects(known: Readonly<Record<string, string>>, requested: string): DefectChoice {
  const names = Object.keys(known);
  const all = requested.trim() === 'all';
  const asked = all
    ? names
    : requested
        .split(',')
        .map((name) => name.trim())
        .filter((name) => name !== '');
  const unknown = asked.filter((name) => !names.includes(name));
  if (unknown.length > 0 || asked.length === 0) {
    const problem =
      unknown.length > 0
        ? `names defects the example does not have: ${unknown.join(', ')}`
        : 'names no defect';
    throw new OtelMcpError(
      'INVALID_ARGUMENT',
      `--defects ${JSON.stringify(requested)} ${problem}`,
      `use all, or a comma list of ${names.join(', ')}`,
    );
  }
  const hider = (name: string): { by: string; why: string } | undefined => {
    const hidden = HIDDEN_BY[name];
    return hidden && asked.includes(hidden.by) ? hidden : undefined;
  };
  const leftOut: DefectChoice['leftOut'] = [];
  for (const name of all ? asked : []) {
    const hidden = hider(name);
    if (hidden) leftOut.push({ name, ...hidden });
  }
  const on = asked
    .filter((name) => !leftOut.some((item) => item.name === name))
    .map((name): ChosenDefect => {
      const hiddenBy = hider(name);
      return { name, what: known[name] as string, ...(hiddenBy ? { hiddenBy } : {}) };
    });
  return { value: on.map((defect) => defect.name).join(','), on, leftOut };
}
