/**
 * Which environment variables a run may set when the command allow-list is on. A listed command is
 * only a promise if the environment cannot change what it runs: NODE_OPTIONS=--import=data:… runs
 * code inside `npm test`, as do npm_config_node_options, a PATH with a fake npm, LD_PRELOAD,
 * PYTHONSTARTUP, JAVA_TOOL_OPTIONS and their kind. These families are refused by name; a stricter
 * configuration lists the only names allowed (execution.allowed_env).
 */

/** Refused exactly (compared upper-cased: npm reads npm_config_* in any case). */
const REFUSED_NAMES = new Set([
  'PATH',
  'HOME',
  'SHELL',
  'ENV',
  'BASH_ENV',
  'IFS',
  'PS4',
  'SHELLOPTS',
  'BASHOPTS',
  'CDPATH',
  'CLASSPATH',
  // Build tools run a compiler, a make or an ini file named here (cgo, node-gyp, native gems).
  'CC',
  'CXX',
  'CPP',
  'MAKEFLAGS',
  'MAKEFILES',
  'PHPRC',
  'PHP_INI_SCAN_DIR',
  'RUBYOPT',
  'RUBYLIB',
  'PERL5OPT',
  'PERL5LIB',
  'PERLLIB',
  'GOFLAGS',
  'GOENV',
  'GOROOT',
  'GOPATH',
  'GOTOOLCHAIN',
  'XDG_CONFIG_HOME',
]);

/** Refused by prefix: the runtime, loader, package-manager and VCS settings that load or run code. */
const REFUSED_PREFIXES = [
  'NODE_',
  'NPM_CONFIG_',
  'YARN_',
  'PNPM_',
  'COREPACK_',
  'LD_',
  'DYLD_',
  'PYTHON',
  'PIP_',
  // PYTEST_ADDOPTS="-p plugin" loads a plugin inside an allowed `pytest`; PYTEST_PLUGINS likewise.
  'PYTEST_',
  'MAVEN_',
  'GRADLE_',
  'CARGO_',
  'RUSTC',
  'RUSTFLAGS',
  'RUSTDOC',
  'CGO_',
  'DOTNET_',
  'CORECLR_',
  'BUNDLE_',
  'GEM_',
  'COMPOSER_',
  'JAVA_',
  '_JAVA_',
  'JDK_JAVA_',
  'BASH_FUNC_',
  'GIT_',
  // The Java agent loads extension jars and a configuration file named here.
  'OTEL_JAVAAGENT_',
];

/** Why `name` may not be set, or undefined when it may. */
export function refusedEnvironmentName(
  name: string,
  allowedEnv: readonly string[] | null,
): string | undefined {
  if (allowedEnv !== null)
    return allowedEnv.includes(name) ? undefined : 'it is not in execution.allowed_env';
  const upper = name.toUpperCase();
  if (REFUSED_NAMES.has(upper))
    return 'it changes which program or shell runs, or where it reads its settings';
  const prefix = REFUSED_PREFIXES.find((item) => upper.startsWith(item));
  if (prefix) return `the ${prefix}* family can load or run code inside an allowed command`;
  return undefined;
}
