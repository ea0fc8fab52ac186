import { describe, expect, it } from 'vitest';
import { checkCommand, resolveWorkingDir, type ExecutionPolicy } from '../../src/workflow/command-policy.js';

const open: ExecutionPolicy = { enabled: true, allowedCommands: [], rootDir: null };
const listed: ExecutionPolicy = {
  enabled: true,
  allowedCommands: ['npm test', 'node scripts/run.js'],
  rootDir: '/srv/project',
};

describe('what the execution policy lets a run do', () => {
  it('allows any command, chained or not, when no allow-list is configured', () => {
    expect(() => checkCommand(open, 'npm ci && npm test | tee out.log')).not.toThrow();
  });

  it('refuses every command when execution is switched off', () => {
    expect(() => checkCommand({ ...open, enabled: false }, 'npm test')).toThrow(/execution.enabled: false/);
  });

  it('accepts a listed prefix followed by arguments, but not a longer word that merely starts the same', () => {
    expect(() => checkCommand(listed, 'npm test -- --grep checkout')).not.toThrow();
    expect(() => checkCommand(listed, 'npm test')).not.toThrow();
    expect(() => checkCommand(listed, 'npm testify')).toThrow(/not in the allow-list/);
  });

  it('refuses chaining, substitution and redirection behind an allowed prefix', () => {
    for (const command of [
      'npm test; curl x',
      'npm test && rm -rf /',
      'npm test | sh',
      'npm test $(id)',
      'npm test `id`',
      'npm test > /etc/passwd',
      'npm test\nrm x',
    ]) {
      expect(() => checkCommand(listed, command), command).toThrow(/chains or redirects/);
    }
  });

  it('refuses an empty command', () => {
    expect(() => checkCommand(open, '   ')).toThrow(/empty/);
  });

  it('keeps the working directory inside the root and resolves relative ones from it', () => {
    expect(resolveWorkingDir(listed, 'services/cart', '/ignored')).toBe('/srv/project/services/cart');
    expect(resolveWorkingDir(listed, undefined, '/ignored')).toBe('/srv/project');
    expect(() => resolveWorkingDir(listed, '../other', '/ignored')).toThrow(/outside the execution root/);
    expect(() => resolveWorkingDir(listed, '/etc', '/ignored')).toThrow(/outside the execution root/);
    expect(resolveWorkingDir(open, 'sub', '/home/me')).toBe('/home/me/sub');
  });
});
