import { stringify } from 'yaml';
import type { RunConfig } from './run-config';

/** A resolved config as YAML, in the job file's own key order, for `parley config check`. */
export function runConfigToYaml(config: RunConfig): string {
  return stringify(config, { lineWidth: 0 });
}
