/**
 * What Linux's /proc says about the processes of a run: who is in a process group, which signals
 * each one handles, and which TCP ports they listen on. Every reader answers "nothing known"
 * (an empty list) where /proc is missing or a process is gone, so callers fall back to plain
 * group signals and ready-check ports.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

export interface ProcessInfo {
  pid: number;
  /** The executable's short name (`python3`, `java`, `node`), from /proc/<pid>/stat. */
  name: string;
  /** Signal masks from /proc/<pid>/status: bit n-1 stands for signal n. */
  caught: bigint;
  ignored: bigint;
}

/** Live (non-zombie) processes whose process group is `pgid`. */
export function groupMembers(pgid: number): ProcessInfo[] {
  const members: ProcessInfo[] = [];
  for (const pid of numericEntries('/proc')) {
    const stat = readText(`/proc/${pid}/stat`);
    if (stat === undefined) continue;
    // The name sits in parentheses and may hold spaces: the fields after it start past the last ')'.
    const close = stat.lastIndexOf(')');
    const fields = stat.slice(close + 2).split(' ');
    const state = fields[0];
    if (Number(fields[2]) !== pgid || state === 'Z' || state === 'X') continue;
    const status = readText(`/proc/${pid}/status`) ?? '';
    members.push({
      pid,
      name: stat.slice(stat.indexOf('(') + 1, close),
      caught: signalMask(status, 'SigCgt'),
      ignored: signalMask(status, 'SigIgn'),
    });
  }
  return members;
}

/**
 * Live processes (other than this one) whose environment holds `name=value`: found by what they
 * inherited, so a process that left its group (setsid, a daemon's double fork) is found too.
 * Only processes this user may read are seen, which are the only ones a run could have started.
 */
export function processesWithEnvironment(name: string, value: string): { pid: number; name: string }[] {
  const entry = Buffer.from(`${name}=${value}\0`);
  const found: { pid: number; name: string }[] = [];
  for (const pid of numericEntries('/proc')) {
    if (pid === process.pid) continue;
    let environ: Buffer;
    try {
      environ = readFileSync(`/proc/${pid}/environ`);
    } catch {
      continue;
    }
    // Entries are NUL-separated; matching at the start or after a NUL keeps FOO_X=… from matching X=….
    const at = environ.indexOf(entry);
    if (at < 0 || (at > 0 && environ[at - 1] !== 0)) continue;
    const stat = readText(`/proc/${pid}/stat`) ?? '';
    const close = stat.lastIndexOf(')');
    const state = stat.slice(close + 2).split(' ')[0];
    if (state === 'Z' || state === 'X') continue;
    found.push({ pid, name: stat.slice(stat.indexOf('(') + 1, close) });
  }
  return found;
}

/** TCP ports (IPv4 and IPv6) on which any of `pids` listens. */
export function listeningPorts(pids: readonly number[]): number[] {
  const inodes = new Set<string>();
  for (const pid of pids) {
    for (const fd of numericEntries(`/proc/${pid}/fd`)) {
      let target: string;
      try {
        target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      const match = /^socket:\[(\d+)\]$/.exec(target);
      if (match) inodes.add(match[1] as string);
    }
  }
  if (inodes.size === 0) return [];
  const ports = new Set<number>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of (readText(table) ?? '').split('\n').slice(1)) {
      const columns = line.trim().split(/\s+/);
      // local_address is HEXIP:HEXPORT, st 0A is LISTEN, the inode is the tenth column.
      if (columns[3] !== '0A' || !inodes.has(columns[9] ?? '')) continue;
      const port = Number.parseInt((columns[1] ?? '').split(':')[1] ?? '', 16);
      if (Number.isInteger(port) && port > 0) ports.add(port);
    }
  }
  return [...ports].sort((a, b) => a - b);
}

function signalMask(status: string, field: string): bigint {
  const match = new RegExp(`^${field}:\\s*([0-9a-fA-F]+)`, 'm').exec(status);
  return match ? BigInt(`0x${match[1] as string}`) : 0n;
}

function numericEntries(dir: string): number[] {
  try {
    return readdirSync(dir)
      .filter((entry) => /^\d+$/.test(entry))
      .map(Number);
  } catch {
    return [];
  }
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
