/**
 * Variables a developer's shell may set that would take a test's run out of its own world: an
 * external simulator instead of the run's in-process one, and the settings of some other
 * dashboard (token, credentials, port).
 */
function isOutsideVariable(name: string): boolean {
  return name === 'PARLEY_SIMULATOR_URL' || name.startsWith('PARLEY_DASHBOARD_');
}

export interface EmbeddedRunEnvironmentOptions {
  /** Variables to set as well (e.g. `PARLEY_LOG_LEVEL`). */
  set?: Record<string, string>;
  /**
   * Drop REDIS_URL too, so the run uses the default Redis like a dashboard the test starts with
   * an empty environment. @defaultValue false
   */
  defaultRedis?: boolean;
}

/**
 * The environment of a run a test starts in this process (`runEmbedded`, or `main` after
 * `process.env = …`): this process's variables with the test's namespace, without the outside
 * ones.
 */
export function embeddedRunEnvironment(
  namespace: string,
  options: EmbeddedRunEnvironmentOptions = {},
): NodeJS.ProcessEnv {
  const environment: NodeJS.ProcessEnv = { ...process.env, PARLEY_NAMESPACE: namespace, ...options.set };
  for (const name of Object.keys(environment)) if (isOutsideVariable(name)) delete environment[name];
  if (options.defaultRedis) delete environment.REDIS_URL;
  return environment;
}

/**
 * What to lay over this process's variables for a `parley` child process of a test (which
 * inherits them): the test's namespace, and the outside variables emptied.
 */
export function spawnedRunEnvironment(namespace: string): Record<string, string> {
  const environment: Record<string, string> = { PARLEY_NAMESPACE: namespace, PARLEY_SIMULATOR_URL: '' };
  for (const name of Object.keys(process.env)) if (isOutsideVariable(name)) environment[name] = '';
  return environment;
}
