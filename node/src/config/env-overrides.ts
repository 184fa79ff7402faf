/**
 * Environment variables that override fields of config.json (for containers, CI and
 * one-off runs). Lists are comma separated; numbers stay text when they are not digits,
 * so validation names the variable and what it holds.
 */
export interface EnvOverride {
  variable: string;
  /** Field path inside the config, e.g. ['metrics', 'port']. */
  path: string[];
  parse: (text: string) => unknown;
}

const text = (value: string): string => value.trim();
const list = (value: string): string[] => value.split(',').map((item) => item.trim()).filter((item) => item.length > 0);
const whole = (value: string): unknown => (/^\d+$/.test(value.trim()) ? Number(value.trim()) : value);
const flag = (value: string): unknown => ({ true: true, '1': true, false: false, '0': false } as Record<string, boolean>)[value.trim()] ?? value;

/** DECLOUD_DATA is not here: it says where config.json is, not what is in it. */
export const ENV_OVERRIDES: readonly EnvOverride[] = [
  { variable: 'DECLOUD_RPC_URL', path: ['rpcUrl'], parse: text },
  { variable: 'DECLOUD_BOOTSTRAP', path: ['bootstrap'], parse: list },
  { variable: 'DECLOUD_LISTEN', path: ['listen'], parse: list },
  { variable: 'DECLOUD_ANNOUNCE', path: ['announce'], parse: list },
  { variable: 'DECLOUD_OPERATOR_KEY', path: ['operatorKeyFile'], parse: text },
  { variable: 'DECLOUD_OWNER', path: ['owner'], parse: text },
  { variable: 'DECLOUD_STAKE_LAMPORTS', path: ['stakeLamports'], parse: text },
  { variable: 'DECLOUD_COUNTRY', path: ['region', 'country'], parse: text },
  { variable: 'DECLOUD_ALLOWED_IMAGES', path: ['allowedImages'], parse: list },
  { variable: 'DECLOUD_NETWORK_MODE', path: ['networkMode'], parse: text },
  { variable: 'DOCKER_HOST', path: ['dockerHost'], parse: text },
  { variable: 'DECLOUD_WEBRTC', path: ['webrtc'], parse: flag },
  { variable: 'DECLOUD_METRICS_PORT', path: ['metrics', 'port'], parse: whole },
  { variable: 'DECLOUD_LOG_LEVEL', path: ['logLevel'], parse: text },
];

export interface Overridden {
  /** The file's object with the environment's values written over it (a copy). */
  raw: Record<string, unknown>;
  /** Which variable set each overridden path ('metrics.port' -> 'DECLOUD_METRICS_PORT'). */
  sources: Map<string, string>;
}

/** Applies the set (non-empty) variables of `env` over `raw`; `raw` itself is not changed. */
export function applyEnvOverrides(raw: Record<string, unknown>, env: NodeJS.ProcessEnv): Overridden {
  const copy = structuredClone(raw);
  const sources = new Map<string, string>();
  for (const { variable, path, parse } of ENV_OVERRIDES) {
    const value = env[variable];
    if (value === undefined || value.trim() === '') continue;
    setPath(copy, path, parse(value));
    sources.set(path.join('.'), variable);
  }
  return { raw: copy, sources };
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    // A non-object here is a mistake in the file; replacing it lets the variable win and the rest validate.
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]!] = value;
}
