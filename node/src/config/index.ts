export { ConfigError } from './config-error.js';
export type { ConfigErrorCode } from './config-error.js';
export {
  nodeConfigSchema, DEFAULT_IMAGES, DEFAULT_LISTEN, DEFAULT_METRICS_PORT, DEFAULT_PRICES, DEFAULT_STAKE_LAMPORTS, LOG_LEVELS,
} from './node-config.js';
export type { NodeConfig, NodeConfigInput, ResolvedConfig } from './node-config.js';
export { ENV_OVERRIDES, applyEnvOverrides } from './env-overrides.js';
export type { EnvOverride, Overridden } from './env-overrides.js';
export { CONFIG_FILE_NAME, configFileOf, loadConfig, operatorKeyPathOf, parseConfig, resolveDataDir } from './load-config.js';
export { writeConfig } from './write-config.js';
export { createOperatorKey, readOperatorKey } from './operator-key.js';
export { jsonWithBigints, writeFileAtomically } from './atomic-file.js';
