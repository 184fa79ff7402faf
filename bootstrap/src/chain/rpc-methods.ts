import { PublicKey, VersionedTransaction } from '@solana/web3.js';
import { accountEncodingOptions, encodeAccount } from './account-encoding.js';
import type { AccountEncodingOptions } from './account-encoding.js';
import { matchesFilters, readAccountFilters } from './account-filters.js';
import { MAX_AIRDROP_LAMPORTS } from './airdrop-faucet.js';
import { computeUnitPrice } from './fees.js';
import type { Ledger, SimulationOutcome } from './ledger.js';
import { RpcError, RpcErrorCode, invalidParams } from './rpc-error.js';
import {
  booleanOption,
  checkMinContextSlot,
  configParam,
  describe,
  enumOption,
  expectParamCount,
  integerOption,
  integerParam,
  pubkeyParam,
  signatureParam,
} from './rpc-params.js';
import type { Config } from './rpc-params.js';
import { describeTransactionError } from './transaction-error.js';
import type { TransactionErrorJson } from './transaction-error.js';
import { TRANSACTION_ENCODINGS, encodeTransactionRecord } from './transaction-encoding.js';
import { decodeMessage, decodeTransaction } from './wire-transaction.js';

/**
 * The HTTP JSON-RPC methods: the subset of a Solana validator's API that @solana/web3.js
 * v1 Connection and Anchor's provider use. Commitment arguments are checked and then
 * ignored: every transaction is final as soon as it is executed.
 */
export type RpcMethod = (params: unknown[]) => unknown;

/** The Agave version litesvm 0.8.0 embeds. */
const SOLANA_CORE_VERSION = '3.1.0';
const MAX_MULTIPLE_ACCOUNTS = 100;
const MAX_SIGNATURE_STATUSES = 256;
const MAX_SIGNATURES_FOR_ADDRESS = 1000;
const MAX_PRIORITIZATION_FEE_ACCOUNTS = 128;
const RECENT_PRIORITIZATION_SLOTS = 150;
const TOKEN_PROGRAMS = ['TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA', 'TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb'];
const TOKEN_ACCOUNT_SIZE = 165;
const TOKEN_2022_ACCOUNT_TYPE = 2;
const BINARY_ENCODINGS = ['base58', 'base64'] as const;

export function createRpcMethods(ledger: Ledger): Map<string, RpcMethod> {
  const withContext = <T>(value: T, slot = ledger.slot()) => ({ context: { apiVersion: SOLANA_CORE_VERSION, slot }, value });

  /** Reads the trailing config object of a method and applies minContextSlot. */
  const trailingConfig = (params: unknown[], index: number): Config => {
    const config = configParam(params[index]);
    checkMinContextSlot(config, ledger.slot());
    return config;
  };

  const accountOrNull = (address: PublicKey, options: AccountEncodingOptions) => {
    const account = ledger.account(address);
    return account ? encodeAccount(account, options) : null;
  };

  const methods: Record<string, RpcMethod> = {
    getHealth: (params) => {
      expectParamCount(params, 0, 0);
      return 'ok';
    },

    getVersion: (params) => {
      expectParamCount(params, 0, 0);
      return { 'solana-core': SOLANA_CORE_VERSION };
    },

    getGenesisHash: (params) => {
      expectParamCount(params, 0, 0);
      return ledger.genesisHash;
    },

    getIdentity: (params) => {
      expectParamCount(params, 0, 0);
      return { identity: ledger.identity.toBase58() };
    },

    getSlot: (params) => {
      expectParamCount(params, 0, 1);
      trailingConfig(params, 0);
      return ledger.slot();
    },

    getBlockHeight: (params) => {
      expectParamCount(params, 0, 1);
      trailingConfig(params, 0);
      return ledger.slot();
    },

    getTransactionCount: (params) => {
      expectParamCount(params, 0, 1);
      trailingConfig(params, 0);
      return ledger.transactionCount;
    },

    getEpochInfo: (params) => {
      expectParamCount(params, 0, 1);
      trailingConfig(params, 0);
      const time = ledger.clusterTime();
      return {
        absoluteSlot: time.slot,
        blockHeight: time.slot,
        epoch: time.epoch,
        slotIndex: time.slotIndex,
        slotsInEpoch: time.slotsInEpoch,
        transactionCount: ledger.transactionCount,
      };
    },

    getEpochSchedule: (params) => {
      expectParamCount(params, 0, 0);
      return ledger.epochSchedule();
    },

    getLatestBlockhash: (params) => {
      expectParamCount(params, 0, 1);
      trailingConfig(params, 0);
      return withContext(ledger.latestBlockhash());
    },

    isBlockhashValid: (params) => {
      expectParamCount(params, 1, 2);
      if (typeof params[0] !== 'string') throw invalidParams(`blockhash must be a base58 string, got ${describe(params[0])}`);
      trailingConfig(params, 1);
      return withContext(ledger.isBlockhashValid(params[0]));
    },

    getFeeForMessage: (params) => {
      expectParamCount(params, 1, 2);
      trailingConfig(params, 1);
      return withContext(ledger.feeForMessage(decodeMessage(params[0])));
    },

    getRecentPrioritizationFees: (params) => {
      expectParamCount(params, 0, 1);
      const addresses = params[0] === undefined || params[0] === null ? [] : params[0];
      if (!Array.isArray(addresses)) throw invalidParams(`param 0 must be an array of account addresses, got ${describe(addresses)}`);
      if (addresses.length > MAX_PRIORITIZATION_FEE_ACCOUNTS) throw invalidParams(`Too many inputs provided; max ${MAX_PRIORITIZATION_FEE_ACCOUNTS}`);
      const wanted = addresses.map((address, index) => pubkeyParam(address, `address ${index}`).toBase58());
      return recentPrioritizationFees(ledger, wanted);
    },

    getMinimumBalanceForRentExemption: (params) => {
      expectParamCount(params, 1, 2);
      const length = integerParam(params[0], 'data length', 10 * 1024 * 1024);
      trailingConfig(params, 1);
      return ledger.minimumBalanceForRentExemption(length);
    },

    getBalance: (params) => {
      expectParamCount(params, 1, 2);
      const address = pubkeyParam(params[0], 'account address');
      trailingConfig(params, 1);
      return withContext(ledger.account(address)?.lamports ?? 0);
    },

    getAccountInfo: (params) => {
      expectParamCount(params, 1, 2);
      const address = pubkeyParam(params[0], 'account address');
      const config = trailingConfig(params, 1);
      return withContext(accountOrNull(address, accountEncodingOptions(config)));
    },

    getMultipleAccounts: (params) => {
      expectParamCount(params, 1, 2);
      const list = params[0];
      if (!Array.isArray(list)) throw invalidParams(`param 0 must be an array of account addresses, got ${describe(list)}`);
      if (list.length > MAX_MULTIPLE_ACCOUNTS) throw invalidParams(`Too many inputs provided; max ${MAX_MULTIPLE_ACCOUNTS}`);
      const addresses = list.map((address, index) => pubkeyParam(address, `address ${index}`));
      const options = accountEncodingOptions(trailingConfig(params, 1), 'base64');
      return withContext(addresses.map((address) => accountOrNull(address, options)));
    },

    getProgramAccounts: (params) => {
      expectParamCount(params, 1, 2);
      const programId = pubkeyParam(params[0], 'program id');
      const config = trailingConfig(params, 1);
      const options = accountEncodingOptions(config);
      const filters = readAccountFilters(config['filters']);
      const value = ledger
        .accountsOwnedBy(programId)
        .filter(({ account }) => matchesFilters(account.data, filters))
        .map(({ address, account }) => ({ pubkey: address.toBase58(), account: encodeAccount(account, options) }));
      return booleanOption(config, 'withContext', false) ? withContext(value) : value;
    },

    getTokenAccountsByOwner: (params) => {
      expectParamCount(params, 2, 3);
      const owner = pubkeyParam(params[0], 'owner');
      const selector = configParam(params[1], 'mint or programId filter');
      const mint = selector['mint'] === undefined ? undefined : pubkeyParam(selector['mint'], 'mint');
      const programId = selector['programId'] === undefined ? undefined : pubkeyParam(selector['programId'], 'programId');
      if ((mint === undefined) === (programId === undefined)) throw invalidParams('param 1 must be exactly one of { mint } or { programId }');
      const options = accountEncodingOptions(trailingConfig(params, 2));
      const programs = programId ? [programId] : TOKEN_PROGRAMS.map((id) => new PublicKey(id));
      const value = programs
        .flatMap((program) => ledger.accountsOwnedBy(program))
        .filter(({ account }) => isTokenAccount(account.data) && owner.equals(new PublicKey(account.data.subarray(32, 64))))
        .filter(({ account }) => !mint || mint.equals(new PublicKey(account.data.subarray(0, 32))))
        .map(({ address, account }) => ({ pubkey: address.toBase58(), account: encodeAccount(account, options) }));
      return withContext(value);
    },

    sendTransaction: (params) => {
      expectParamCount(params, 1, 2);
      const config = trailingConfig(params, 1);
      const transaction = decodeTransaction(params[0], enumOption(config, 'encoding', BINARY_ENCODINGS, 'base58'));
      integerOption(config, 'maxRetries');
      if (!booleanOption(config, 'skipPreflight', false)) {
        const preflight = ledger.simulate(transaction, { sigVerify: true, replaceRecentBlockhash: false });
        if (preflight.err !== null) throw preflightFailure(preflight);
      }
      const outcome = ledger.send(transaction);
      if (!outcome.committed) {
        throw new RpcError(RpcErrorCode.transactionPreflightFailure, `Transaction was not executed: ${describeTransactionError(outcome.err)}`, {
          err: outcome.err,
          logs: outcome.logs,
          unitsConsumed: outcome.unitsConsumed,
        });
      }
      return outcome.record.signature;
    },

    simulateTransaction: (params) => {
      expectParamCount(params, 1, 2);
      const config = trailingConfig(params, 1);
      const transaction = decodeTransaction(params[0], enumOption(config, 'encoding', BINARY_ENCODINGS, 'base58'));
      const sigVerify = booleanOption(config, 'sigVerify', false);
      const replaceRecentBlockhash = booleanOption(config, 'replaceRecentBlockhash', false);
      if (sigVerify && replaceRecentBlockhash) throw invalidParams('sigVerify may not be used with replaceRecentBlockhash');
      const requested = simulationAccountsRequest(config['accounts']);
      const outcome = ledger.simulate(transaction, { sigVerify, replaceRecentBlockhash });
      return withContext(
        {
          err: outcome.err,
          logs: outcome.logs,
          accounts: requested ? requested.addresses.map((address) => simulatedAccount(ledger, outcome, address, requested.options)) : null,
          unitsConsumed: outcome.unitsConsumed,
          fee: outcome.fee,
          returnData: outcome.returnData,
          innerInstructions: booleanOption(config, 'innerInstructions', false) ? outcome.innerInstructions : null,
          replacementBlockhash: outcome.replacementBlockhash,
        },
        outcome.slot,
      );
    },

    getSignatureStatuses: (params) => {
      expectParamCount(params, 1, 2);
      const list = params[0];
      if (!Array.isArray(list)) throw invalidParams(`param 0 must be an array of signatures, got ${describe(list)}`);
      if (list.length > MAX_SIGNATURE_STATUSES) throw invalidParams(`Too many inputs provided; max ${MAX_SIGNATURE_STATUSES}`);
      const signatures = list.map((signature, index) => signatureParam(signature, `signature ${index}`));
      configParam(params[1]);
      return withContext(
        signatures.map((signature) => {
          const record = ledger.record(signature);
          if (!record) return null;
          return {
            slot: record.slot,
            confirmations: null,
            err: record.err,
            status: record.err === null ? { Ok: null } : { Err: record.err },
            confirmationStatus: 'finalized',
          };
        }),
      );
    },

    getTransaction: (params) => {
      expectParamCount(params, 1, 2);
      const signature = signatureParam(params[0], 'signature');
      const config = configParam(params[1]);
      const encoding = enumOption(config, 'encoding', TRANSACTION_ENCODINGS, 'json');
      const maxVersion = integerOption(config, 'maxSupportedTransactionVersion', 0);
      const record = ledger.record(signature);
      return record ? encodeTransactionRecord(record, encoding, maxVersion) : null;
    },

    getSignaturesForAddress: (params) => {
      expectParamCount(params, 1, 2);
      const address = pubkeyParam(params[0], 'account address');
      const config = trailingConfig(params, 1);
      const limit = integerOption(config, 'limit', MAX_SIGNATURES_FOR_ADDRESS) ?? MAX_SIGNATURES_FOR_ADDRESS;
      const before = config['before'] === undefined ? undefined : signatureParam(config['before'], 'before');
      const until = config['until'] === undefined ? undefined : signatureParam(config['until'], 'until');
      let records = ledger.recordsMentioning(address);
      if (before !== undefined) {
        // As a validator: nothing before a signature it does not know. Commit order, so that a
        // signature which does not mention the address marks a point in time too.
        if (ledger.record(before) === undefined) return [];
        const earlier = new Set<string>();
        for (const record of ledger.recentRecords()) {
          if (record.signature === before) break;
          earlier.add(record.signature);
        }
        records = records.filter((record) => earlier.has(record.signature));
      }
      const result = [];
      for (const record of records) {
        if (record.signature === until || result.length >= limit) break;
        result.push({ signature: record.signature, slot: record.slot, err: record.err, memo: null, blockTime: record.blockTime, confirmationStatus: 'finalized' });
      }
      return result;
    },

    requestAirdrop: async (params) => {
      expectParamCount(params, 2, 3);
      const recipient = pubkeyParam(params[0], 'recipient address');
      const lamports = integerParam(params[1], 'lamports', MAX_AIRDROP_LAMPORTS);
      if (lamports === 0) throw invalidParams('lamports must be greater than 0');
      trailingConfig(params, 2);
      const outcome = await ledger.airdrop(recipient, lamports);
      if (outcome.committed && outcome.record.err === null) return outcome.record.signature;
      const err = outcome.committed ? (outcome.record.err as TransactionErrorJson) : outcome.err;
      throw new RpcError(RpcErrorCode.internalError, `airdrop to ${recipient.toBase58()} failed: ${describeTransactionError(err)}`);
    },
  };
  return new Map(Object.entries(methods));
}

/** Token accounts are 165 bytes; Token-2022 ones with extensions are longer and say so in byte 165 (2 = account, 1 = mint). */
function isTokenAccount(data: Uint8Array): boolean {
  return data.length === TOKEN_ACCOUNT_SIZE || (data.length > TOKEN_ACCOUNT_SIZE && data[TOKEN_ACCOUNT_SIZE] === TOKEN_2022_ACCOUNT_TYPE);
}

function preflightFailure(outcome: SimulationOutcome): RpcError {
  const err = outcome.err ?? 'UnknownError';
  if (err === 'SignatureFailure') return new RpcError(RpcErrorCode.transactionSignatureVerificationFailure, 'Transaction signature verification failure');
  return new RpcError(RpcErrorCode.transactionPreflightFailure, `Transaction simulation failed: ${describeTransactionError(err)}`, {
    accounts: null,
    err,
    innerInstructions: null,
    logs: outcome.logs,
    replacementBlockhash: null,
    returnData: outcome.returnData,
    unitsConsumed: outcome.unitsConsumed,
  });
}

function simulationAccountsRequest(value: unknown): { addresses: PublicKey[]; options: AccountEncodingOptions } | undefined {
  if (value === undefined || value === null) return undefined;
  const config = configParam(value, 'accounts');
  const list = config['addresses'];
  if (!Array.isArray(list)) throw invalidParams(`accounts.addresses must be an array of account addresses, got ${describe(list)}`);
  if (list.length > MAX_MULTIPLE_ACCOUNTS) throw invalidParams(`Too many accounts provided; max ${MAX_MULTIPLE_ACCOUNTS}`);
  return { addresses: list.map((address, index) => pubkeyParam(address, `accounts.addresses[${index}]`)), options: accountEncodingOptions(config, 'base64') };
}

function simulatedAccount(ledger: Ledger, outcome: SimulationOutcome, address: PublicKey, options: AccountEncodingOptions) {
  const key = address.toBase58();
  const account = outcome.postAccounts.has(key) ? outcome.postAccounts.get(key) ?? null : ledger.account(address);
  return account ? encodeAccount(account, options) : null;
}

/** Per recent slot, the lowest compute unit price paid by a transaction that locked one of the accounts (any account when none is given). */
function recentPrioritizationFees(ledger: Ledger, addresses: string[]): Array<{ slot: number; prioritizationFee: number }> {
  const oldestSlot = ledger.slot() - RECENT_PRIORITIZATION_SLOTS;
  const lowestBySlot = new Map<number, bigint>();
  for (const record of ledger.recentRecords()) {
    if (record.slot < oldestSlot) continue;
    if (addresses.length > 0 && !addresses.some((address) => record.accountKeys.includes(address))) continue;
    const price = computeUnitPrice(VersionedTransaction.deserialize(Buffer.from(record.wire, 'base64')).message);
    const lowest = lowestBySlot.get(record.slot);
    if (lowest === undefined || price < lowest) lowestBySlot.set(record.slot, price);
  }
  return [...lowestBySlot].map(([slot, price]) => ({ slot, prioritizationFee: Number(price) }));
}
