import { SystemProgram } from '@solana/web3.js';
import bs58 from 'bs58';
import type { AccountState } from './account-state.js';
import { RpcError, RpcErrorCode, invalidParams } from './rpc-error.js';
import { enumOption, integerParam } from './rpc-params.js';
import type { Config } from './rpc-params.js';

/**
 * Account JSON as a validator's RPC returns it. `jsonParsed` falls back to base64, which
 * is what a validator does for every owner it has no parser for; `binary` is the legacy
 * default (a bare base58 string).
 */
const ACCOUNT_ENCODINGS = ['binary', 'base58', 'base64', 'jsonParsed', 'base64+zstd'] as const;
export type AccountEncoding = (typeof ACCOUNT_ENCODINGS)[number];
const MAX_BASE58_BYTES = 128;

export interface AccountEncodingOptions {
  encoding: AccountEncoding;
  dataSlice?: { offset: number; length: number };
}

interface AccountJson {
  lamports: number;
  owner: string;
  data: string | [string, 'base58' | 'base64'];
  executable: boolean;
  rentEpoch: number;
  space: number;
}

export function accountEncodingOptions(config: Config, fallback: AccountEncoding = 'binary'): AccountEncodingOptions {
  const encoding = enumOption(config, 'encoding', ACCOUNT_ENCODINGS, fallback);
  if (encoding === 'base64+zstd') throw invalidParams('encoding base64+zstd is not supported by decloud-chain (Node 20 has no zstd): use base64');
  const slice = config['dataSlice'];
  if (slice === undefined || slice === null) return { encoding };
  if (typeof slice !== 'object' || Array.isArray(slice)) throw invalidParams('dataSlice must be an object { offset, length }');
  const { offset, length } = slice as Record<string, unknown>;
  return { encoding, dataSlice: { offset: integerParam(offset, 'dataSlice.offset'), length: integerParam(length, 'dataSlice.length') } };
}

export function encodeAccount(account: AccountState, options: AccountEncodingOptions): AccountJson {
  const full = account.data;
  const data = options.dataSlice ? full.subarray(options.dataSlice.offset, options.dataSlice.offset + options.dataSlice.length) : full;
  return {
    lamports: account.lamports,
    owner: account.owner.toBase58(),
    data: encodeData(data, options.encoding),
    executable: account.executable,
    rentEpoch: account.rentEpoch ?? 0,
    space: full.length,
  };
}

/** What account notifications carry for a closed account: a validator reports the default (empty, system-owned) account. */
export function closedAccount(): AccountState {
  return { lamports: 0, owner: SystemProgram.programId, data: new Uint8Array(0), executable: false, rentEpoch: 0 };
}

function encodeData(data: Uint8Array, encoding: AccountEncoding): AccountJson['data'] {
  if (encoding === 'binary' || encoding === 'base58') {
    if (data.length > MAX_BASE58_BYTES) {
      throw new RpcError(
        RpcErrorCode.invalidRequest,
        `Encoded binary (base 58) data should be less than ${MAX_BASE58_BYTES} bytes, please use Base64 encoding.`,
      );
    }
    return encoding === 'binary' ? bs58.encode(data) : [bs58.encode(data), 'base58'];
  }
  return [Buffer.from(data).toString('base64'), 'base64'];
}
