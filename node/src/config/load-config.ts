import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import type { z } from 'zod';
import { ConfigError } from './config-error.js';
import { applyEnvOverrides } from './env-overrides.js';
import { nodeConfigSchema } from './node-config.js';
import type { NodeConfig, ResolvedConfig } from './node-config.js';

export const CONFIG_FILE_NAME = 'config.json';

/** The data folder: the given one, else $DECLOUD_DATA, else ~/.decloud-node. */
export function resolveDataDir(dataDir: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = dataDir ?? (env.DECLOUD_DATA?.trim() || undefined) ?? join(homedir(), '.decloud-node');
  return resolve(chosen);
}

export function configFileOf(dataDir: string): string {
  return join(dataDir, CONFIG_FILE_NAME);
}

/**
 * Checks a config object (the parsed file with the environment applied). Throws ConfigError
 * BAD_CONFIG listing every bad field, where it came from (file or variable) and what it must be.
 */
export function parseConfig(raw: unknown, origin: { file: string; sources?: Map<string, string>; fix?: string }): NodeConfig {
  const result = nodeConfigSchema.safeParse(raw, { reportInput: true });
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => describeIssue(issue, origin));
  throw new ConfigError(
    'BAD_CONFIG',
    `the node config is invalid:\n${lines.map((line) => `  - ${line}`).join('\n')}\nfix: ${origin.fix ?? `edit ${origin.file} (or the environment variable named) and start again`}`,
  );
}

/** Reads `<dataDir>/config.json`, applies the environment, validates. Throws ConfigError naming the fix. */
export async function loadConfig(options: { dataDir?: string; env?: NodeJS.ProcessEnv } = {}): Promise<ResolvedConfig> {
  const env = options.env ?? process.env;
  const dataDir = resolveDataDir(options.dataDir, env);
  const configFile = configFileOf(dataDir);
  const { raw, sources } = applyEnvOverrides(await readConfigObject(configFile), env);
  const config = parseConfig(raw, { file: configFile, sources });
  return { ...config, dataDir, configFile, operatorKeyPath: operatorKeyPathOf(dataDir, config) };
}

/** The operator key file's absolute path: operatorKeyFile as given, or inside the data folder when relative. */
export function operatorKeyPathOf(dataDir: string, config: Pick<NodeConfig, 'operatorKeyFile'>): string {
  return isAbsolute(config.operatorKeyFile) ? config.operatorKeyFile : join(dataDir, config.operatorKeyFile);
}

async function readConfigObject(file: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new ConfigError('CONFIG_MISSING', `no node config at ${file}: run decloud-node init (with --data <folder> for another data folder)`, { cause: err });
    }
    throw new ConfigError('CONFIG_UNREADABLE', `cannot read ${file}: ${(err as Error).message}; check its permissions`, { cause: err });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new ConfigError('BAD_JSON', `${file} is not valid JSON (${(err as Error).message}): fix the syntax, or move it away and run decloud-node init`, { cause: err });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError('BAD_JSON', `${file} must hold a JSON object ({ "rpcUrl": ..., "region": { "country": "DE" } }), got ${Array.isArray(parsed) ? 'an array' : typeof parsed}`);
  }
  return parsed as Record<string, unknown>;
}

function describeIssue(issue: z.core.$ZodIssue, origin: { file: string; sources?: Map<string, string> }): string {
  const path = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    const where = path === '' ? 'the config' : path;
    return `${where}: unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')} (a typo? see decloud-node init for the fields)`;
  }
  const variable = sourceOf(issue.path.map(String), origin.sources);
  const got = issue.input === undefined ? 'nothing' : JSON.stringify(issue.input, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  const from = variable ? ` (set by ${variable})` : '';
  return `${path || 'the config'}: ${issue.message}; got ${got}${from}`;
}

/** The variable that set this path or one of its parents. */
function sourceOf(path: string[], sources: Map<string, string> | undefined): string | undefined {
  for (let i = path.length; i > 0; i--) {
    const variable = sources?.get(path.slice(0, i).join('.'));
    if (variable) return variable;
  }
  return undefined;
}
