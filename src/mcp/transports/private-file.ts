/**
 * A secret kept in a file is only as safe as the file: the MCP HTTP token there lets its reader run
 * commands as this user. As ssh does with a private key, a token file that someone else owns, or
 * that others may read or write, is refused rather than trusted (it may have been planted or read).
 */
import { lstatSync } from 'node:fs';
import { OtelMcpError } from '../../model/errors.js';

/** Bits of the mode that give the group or everyone any access. */
const GROUP_OR_OTHER = 0o077;

/** Throws, naming the fix, unless `path` is a regular file of this user's that only this user may use. */
export function checkPrivateFile(path: string, what: string): void {
  const stats = lstatSync(path);
  if (!stats.isFile())
    throw new OtelMcpError(
      'INVALID_ARGUMENT',
      `${what} ${path} is not a regular file (${stats.isSymbolicLink() ? 'a symlink' : 'a special file'}), so it is not trusted`,
      `delete it, and otel-mcp writes a new one; or set mcp.auth_token (OTEL_MCP_AUTH_TOKEN)`,
    );
  // Windows has no POSIX owner or mode bits to check.
  const uid = process.getuid?.();
  if (uid === undefined) return;
  if (stats.uid !== uid)
    throw new OtelMcpError(
      'INVALID_ARGUMENT',
      `${what} ${path} is owned by uid ${stats.uid}, not by this user (uid ${uid}), so it is not trusted`,
      `delete it, and otel-mcp writes a new one; or set mcp.auth_token (OTEL_MCP_AUTH_TOKEN)`,
    );
  const mode = stats.mode & 0o777;
  if ((mode & GROUP_OR_OTHER) !== 0)
    throw new OtelMcpError(
      'INVALID_ARGUMENT',
      `${what} ${path} has mode ${mode.toString(8).padStart(4, '0')}: others may read or change it, and it lets its reader run commands as you`,
      `chmod 600 ${path} (or delete it, and otel-mcp writes a new one)`,
    );
}
