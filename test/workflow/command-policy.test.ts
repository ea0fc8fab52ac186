import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileAllowList } from '../../src/model/command-allow-list.js';
import {
  checkCommand,
  checkEnvironment,
  resolveWorkingDir,
  type ExecutionPolicy,
} from '../../src/workflow/command-policy.js';
import { tempDirForTest } from '../support/temp-dir.js';

const open: ExecutionPolicy = { enabled: true, allowedCommands: [], rootDir: null };
const listed: ExecutionPolicy = {
  enabled: true,
  allowedCommands: compileAllowList([
    'npm test',
    'node scripts/run.js',
    'pytest *',
    { command: 'npx vitest run', args: 'positional', options: ['--reporter=*', '-t *', '--bail'] },
  ]),
  rootDir: '/srv/project',
};

describe('what the execution policy lets a run do', () => {
  it('allows any command, chained or not, when no allow-list is configured', () => {
    expect(() => checkCommand(open, 'npm ci && npm test | tee out.log')).not.toThrow();
  });

  it('refuses every command when execution is switched off', () => {
    expect(() => checkCommand({ ...open, enabled: false }, 'npm test')).toThrow(/execution.enabled: false/);
  });

  it('runs an allowed command exactly as listed, quoted or not', () => {
    expect(() => checkCommand(listed, 'npm test')).not.toThrow();
    expect(() => checkCommand(listed, '  \'npm\'   "test" ')).not.toThrow();
    expect(() => checkCommand(listed, 'pytest tests/test_api.py tests/unit')).not.toThrow();
    expect(() =>
      checkCommand(listed, 'npx vitest run test/a.test.ts --reporter=dot -t "checkout pays" --bail'),
    ).not.toThrow();
  });

  it('refuses options and arguments the entry does not list, which could run other code', () => {
    for (const [command, word] of [
      ['npm test --node-options=--require=./evil.js', '--node-options=--require=./evil.js'],
      ['npm test --prefix /other', '--prefix'],
      ['npm test --script-shell=/tmp/evil.sh', '--script-shell=/tmp/evil.sh'],
      ['npm test --userconfig=/tmp/npmrc', '--userconfig=/tmp/npmrc'],
      ['npm test -- --require evil', '--'],
      ['npm test extra', 'extra'],
      ['pytest -p evil_plugin', '-p'],
      ['npx vitest run --config /tmp/evil.config.ts', '--config'],
      ['npx vitest run -t', '-t'],
    ] as const) {
      expect(() => checkCommand(listed, command), command).toThrow(
        `${JSON.stringify(word)} is not an argument the allow-list entry`,
      );
    }
  });

  it('refuses a command whose words are not on the list, or only start like an entry', () => {
    expect(() => checkCommand(listed, 'npm testify')).toThrow(/not in the allow-list/);
    expect(() => checkCommand(listed, 'NODE_OPTIONS=x npm test')).toThrow(/not in the allow-list/);
    expect(() => checkCommand(listed, 'npm')).toThrow(/not in the allow-list/);
  });

  it('refuses anything the shell would expand, chain or redirect behind an allowed command', () => {
    for (const [command, what] of [
      ['npm test; curl x', 'command separator'],
      ['npm test && rm -rf /', 'chaining operator'],
      ['npm test | sh', 'pipe'],
      ['npm test $(id)', 'expansion'],
      ['npm test "$(id)"', 'expansion inside double quotes'],
      ['npm test `id`', 'command substitution'],
      ['npm test > /etc/passwd', 'redirection'],
      ['npm test\nrm x', 'newline'],
      ['pytest *.py', 'glob'],
      ['pytest ~/x', 'home-directory expansion'],
      ["npm test 'unclosed", 'unclosed single quote'],
    ] as const) {
      expect(() => checkCommand(listed, command), command).toThrow(what);
    }
  });

  it('refuses an empty command', () => {
    expect(() => checkCommand(open, '   ')).toThrow(/empty/);
  });

  it('refuses an allow-list entry that is not a plain command, when the configuration loads', () => {
    expect(() => compileAllowList(['npm test && curl x'])).toThrow(/is not a plain command/);
  });

  it('refuses environment variables that change what an allowed command runs, naming the variable', () => {
    for (const name of [
      'NODE_OPTIONS',
      'npm_config_node_options',
      'npm_config_script_shell',
      'PATH',
      'LD_PRELOAD',
      'PYTHONSTARTUP',
      'JAVA_TOOL_OPTIONS',
      'GOFLAGS',
      'HOME',
      'OTEL_JAVAAGENT_EXTENSIONS',
      'PYTEST_ADDOPTS',
      'PYTEST_PLUGINS',
      'RUSTC_WRAPPER',
      'CARGO_BUILD_RUSTC_WRAPPER',
      'DOTNET_STARTUP_HOOKS',
      'MAKEFLAGS',
      'CC',
      'BUNDLE_GEMFILE',
      'GEM_HOME',
      'PHPRC',
      'MAVEN_ARGS',
    ]) {
      expect(() => checkEnvironment(listed, { OTEL_SERVICE_NAME: 'shop', [name]: 'x' }), name).toThrow(
        `env: ${name} may not be set`,
      );
    }
    expect(() =>
      checkEnvironment(listed, { OTEL_SERVICE_NAME: 'shop', DATABASE_URL: 'sqlite://x' }),
    ).not.toThrow();
    expect(() => checkEnvironment(open, { NODE_OPTIONS: '--inspect' })).not.toThrow();
  });

  it('allows only the listed environment names when execution.allowed_env is set', () => {
    const strict = { ...listed, allowedEnv: ['OTEL_SERVICE_NAME'] };
    expect(() => checkEnvironment(strict, { OTEL_SERVICE_NAME: 'shop' })).not.toThrow();
    expect(() => checkEnvironment(strict, { DATABASE_URL: 'x' })).toThrow(/not in execution.allowed_env/);
  });

  it('keeps the working directory inside the root and resolves relative ones from it', () => {
    expect(resolveWorkingDir(listed, 'services/cart', '/ignored')).toBe('/srv/project/services/cart');
    expect(resolveWorkingDir(listed, undefined, '/ignored')).toBe('/srv/project');
    expect(() => resolveWorkingDir(listed, '../other', '/ignored')).toThrow(/outside the execution root/);
    expect(() => resolveWorkingDir(listed, '/etc', '/ignored')).toThrow(/outside the execution root/);
    expect(resolveWorkingDir(open, 'sub', '/home/me')).toBe('/home/me/sub');
  });

  it('refuses a working directory that is a symlink inside the root pointing outside it, and follows one that stays in', () => {
    const root = tempDirForTest('otel-mcp-root-');
    const outside = tempDirForTest('otel-mcp-outside-');
    mkdirSync(join(root, 'real'));
    symlinkSync(outside, join(root, 'link'));
    symlinkSync(join(root, 'real'), join(root, 'inner-link'));
    const policy = { ...listed, rootDir: root };
    expect(() => resolveWorkingDir(policy, 'link', '/ignored')).toThrow(/outside the execution root/);
    expect(() => resolveWorkingDir(policy, 'link/sub', '/ignored')).toThrow(/outside the execution root/);
    expect(resolveWorkingDir(policy, 'inner-link', '/ignored')).toBe(join(root, 'real'));
  });
});
