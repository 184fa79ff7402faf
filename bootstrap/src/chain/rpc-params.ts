import { PublicKey } from '@solana/web3.js';
import bs58 from 'bs58';
import { RpcError, RpcErrorCode, invalidParams } from './rpc-error.js';

/**
 * Readers for positional JSON-RPC parameters: each checks one value and fails with an
 * invalid-params error that names the parameter, what was expected and what came.
 */
export type Config = Record<string, unknown>;

const COMMITMENTS = new Set(['processed', 'confirmed', 'finalized', 'recent', 'single', 'singleGossip', 'root', 'max']);

export function describe(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

export function expectParamCount(params: unknown[], min: number, max: number): void {
  if (params.length < min || params.length > max) {
    const expected = min === max ? `${min}` : `${min} to ${max}`;
    throw invalidParams(`expected ${expected} params, got ${params.length}`);
  }
}

export function pubkeyParam(value: unknown, label: string): PublicKey {
  if (typeof value === 'string' && value.length >= 32 && value.length <= 44) {
    try {
      const bytes = bs58.decode(value);
      if (bytes.length === 32) return new PublicKey(bytes);
    } catch {
      // reported below
    }
  }
  throw invalidParams(`${label} must be a base58 public key (32 bytes), got ${describe(value)}`);
}

export function signatureParam(value: unknown, label: string): string {
  if (typeof value === 'string' && value.length <= 88) {
    try {
      if (bs58.decode(value).length === 64) return value;
    } catch {
      // reported below
    }
  }
  throw invalidParams(`${label} must be a base58 transaction signature (64 bytes), got ${describe(value)}`);
}

export function integerParam(value: unknown, label: string, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= max) return value;
  throw invalidParams(`${label} must be an integer from 0 to ${max}, got ${describe(value)}`);
}

/** An optional config object; also validates its `commitment`, which is otherwise ignored (everything is final at once). */
export function configParam(value: unknown, label = 'config'): Config {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw invalidParams(`${label} must be an object, got ${describe(value)}`);
  const config = value as Config;
  for (const key of ['commitment', 'preflightCommitment']) {
    const commitment = config[key];
    if (commitment !== undefined && (typeof commitment !== 'string' || !COMMITMENTS.has(commitment))) {
      throw invalidParams(`${label}.${key} must be one of processed, confirmed, finalized; got ${describe(commitment)}`);
    }
  }
  return config;
}

export function enumOption<T extends string>(config: Config, key: string, allowed: readonly T[], fallback: T): T {
  const value = config[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw invalidParams(`${key} must be one of ${allowed.join(', ')}; got ${describe(value)}`);
}

export function booleanOption(config: Config, key: string, fallback: boolean): boolean {
  const value = config[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'boolean') return value;
  throw invalidParams(`${key} must be true or false, got ${describe(value)}`);
}

export function integerOption(config: Config, key: string, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const value = config[key];
  return value === undefined || value === null ? undefined : integerParam(value, key, max);
}

/** Answers like a validator that has not reached the slot a client asks for. */
export function checkMinContextSlot(config: Config, currentSlot: number): void {
  const minContextSlot = integerOption(config, 'minContextSlot');
  if (minContextSlot !== undefined && minContextSlot > currentSlot) {
    throw new RpcError(RpcErrorCode.minContextSlotNotReached, 'Minimum context slot has not been reached', { contextSlot: currentSlot });
  }
}
