import { readFileSync } from 'node:fs';
import { ParleyError, registerSecret } from '@parley/core';

// Only secrets take the file form: other tools' *_FILE variables (TF_CLI_CONFIG_FILE,
// HISTFILE-like settings) name files that are none of Parley's business.
const SECRET_VARIABLE = /^(?:[A-Z_][A-Z0-9_]*(?:_KEY|_TOKEN|_SECRET|_PASSWORD)|REDIS_URL)$/;
// PARLEY_*_FILE variables are Parley's own settings that name a file (PARLEY_HEARTBEAT_FILE);
// of Parley's variables only the dashboard's secrets take the file form.
const PARLEY_SECRETS = new Set([
  'PARLEY_DASHBOARD_TOKEN',
  'PARLEY_DASHBOARD_READ_TOKEN',
  'PARLEY_DASHBOARD_PASSWORD',
]);

/**
 * The `<NAME>_FILE` convention of container images: for every `X_FILE` variable whose `X` names
 * a secret (ends in _KEY, _TOKEN, _SECRET or _PASSWORD, or is REDIS_URL) and is unset or empty,
 * `X` becomes the first line of that file. Compose and Kubernetes secrets are
 * mounted as files (`/run/secrets/openai_api_key`), so `OPENAI_API_KEY_FILE`, or the file form
 * of a key variable a job's `apiKeyEnv` names, works without putting the key in the environment
 * of `docker compose`. Parley's own `PARLEY_*_FILE` settings (PARLEY_HEARTBEAT_FILE) are not
 * secrets and are left alone, except the dashboard's credentials. Values read this way are registered as secrets (scrubbed from logs).
 * An unreadable or empty file stops the process with one line naming the variable.
 */
export function loadEnvironmentFiles(environment: NodeJS.ProcessEnv = process.env): string[] {
  const loaded: string[] = [];
  for (const [name, file] of Object.entries(environment)) {
    if (!name.endsWith('_FILE') || !file) continue;
    const target = name.slice(0, -'_FILE'.length);
    if (!SECRET_VARIABLE.test(target) || environment[target]) continue;
    if (target.startsWith('PARLEY_') && !PARLEY_SECRETS.has(target)) continue;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new ParleyError(
        `${name}=${file}: cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
        {
          code: 'ENVIRONMENT_FILE_UNREADABLE',
        },
      );
    }
    const value = text.split(/\r?\n/)[0]?.trim();
    if (!value)
      throw new ParleyError(`${name}=${file}: the first line is empty`, { code: 'ENVIRONMENT_FILE_EMPTY' });
    registerSecret(value);
    environment[target] = value;
    loaded.push(target);
  }
  return loaded;
}
