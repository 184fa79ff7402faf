import { access, mkdir } from 'node:fs/promises';
import { jsonWithBigints, writeFileAtomically } from './atomic-file.js';
import { ConfigError } from './config-error.js';
import { configFileOf, parseConfig } from './load-config.js';
import type { NodeConfig, NodeConfigInput } from './node-config.js';

/**
 * Checks `input` and writes it, every default filled in (so the file shows each field an
 * operator can change), to `<dataDir>/config.json`. Refuses to replace a config unless `force`.
 */
export async function writeConfig(dataDir: string, input: NodeConfigInput, options: { force?: boolean } = {}): Promise<{ file: string; config: NodeConfig }> {
  const file = configFileOf(dataDir);
  const config = parseConfig(input, { file, fix: `correct the values given (nothing was written to ${file})` });
  if (!options.force && (await exists(file))) {
    throw new ConfigError('CONFIG_EXISTS', `${file} exists already: edit it, or pass --force to write a new one (the operator key is kept either way)`);
  }
  // The folder holds the operator key: the owner's alone.
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await writeFileAtomically(file, jsonWithBigints(config));
  return { file, config };
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}
