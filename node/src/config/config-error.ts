/**
 * Errors of the node's configuration. `code` is stable for callers to branch on; the
 * message names the file or variable, the bad field and the fix.
 */
import { CodedError } from '@decloud/sdk/errors/coded-error';

export type ConfigErrorCode =
  | 'CONFIG_MISSING'
  | 'CONFIG_UNREADABLE'
  | 'CONFIG_EXISTS'
  | 'BAD_JSON'
  | 'BAD_CONFIG'
  | 'KEY_MISSING'
  | 'BAD_KEY';

export class ConfigError extends CodedError<ConfigErrorCode> {
  override readonly name = 'ConfigError';
}
