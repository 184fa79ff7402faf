import { accountEncodingOptions, closedAccount, encodeAccount } from './account-encoding.js';
import type { AccountEncodingOptions } from './account-encoding.js';
import { matchesFilters, readAccountFilters } from './account-filters.js';
import type { AccountFilter } from './account-filters.js';
import type { AccountChange, Ledger } from './ledger.js';
import { RpcError, RpcErrorCode, invalidParams } from './rpc-error.js';
import { configParam, describe, expectParamCount, integerParam, pubkeyParam, signatureParam } from './rpc-params.js';
import { SLOT_DURATION_MS } from './slot-clock.js';
import type { TransactionRecord } from './transaction-record.js';

/**
 * Websocket subscriptions with a validator's notification format: account, program,
 * signature, logs, slot and root. Signature subscriptions fire once, at once if the
 * transaction was already processed, and are then removed by the server (as web3.js
 * expects).
 */
export interface SubscriberSocket {
  send(text: string): void;
}

type Subscription = { id: number; socket: SubscriberSocket } & (
  | { kind: 'account'; address: string; options: AccountEncodingOptions }
  | { kind: 'program'; programId: string; options: AccountEncodingOptions; filters: AccountFilter[] }
  | { kind: 'signature'; signature: string }
  | { kind: 'logs'; mentions: string | undefined }
  | { kind: 'slot' }
  | { kind: 'root' }
);
type Kind = Subscription['kind'];

const UNSUBSCRIBE_METHODS: Record<string, Kind> = {
  accountUnsubscribe: 'account',
  programUnsubscribe: 'program',
  signatureUnsubscribe: 'signature',
  logsUnsubscribe: 'logs',
  slotUnsubscribe: 'slot',
  rootUnsubscribe: 'root',
};
/** A slow timer can see several new slots at once; older ones are not worth replaying. */
const MAX_SLOT_NOTIFICATIONS_PER_TICK = 32;

export class SubscriptionHub {
  private readonly subscriptions = new Map<number, Subscription>();
  private readonly bySocket = new Map<SubscriberSocket, Set<number>>();
  private nextId = 1;
  private slotTimer: NodeJS.Timeout | undefined;
  private lastNotifiedSlot: number;
  private readonly detach: Array<() => void>;

  constructor(private readonly ledger: Ledger) {
    this.lastNotifiedSlot = ledger.slot();
    this.detach = [ledger.onAccountChange((change) => this.accountChanged(change)), ledger.onTransaction((record) => this.transactionProcessed(record))];
  }

  handles(method: string): boolean {
    return method.endsWith('Subscribe') || method.endsWith('Unsubscribe');
  }

  handle(socket: SubscriberSocket, method: string, params: unknown[]): unknown {
    const kind = UNSUBSCRIBE_METHODS[method];
    if (kind) return this.unsubscribe(socket, kind, params);
    switch (method) {
      case 'accountSubscribe': {
        expectParamCount(params, 1, 2);
        const address = pubkeyParam(params[0], 'account address').toBase58();
        return this.add({ id: 0, socket, kind: 'account', address, options: accountEncodingOptions(configParam(params[1])) });
      }
      case 'programSubscribe': {
        expectParamCount(params, 1, 2);
        const programId = pubkeyParam(params[0], 'program id').toBase58();
        const config = configParam(params[1]);
        return this.add({ id: 0, socket, kind: 'program', programId, options: accountEncodingOptions(config), filters: readAccountFilters(config['filters']) });
      }
      case 'signatureSubscribe': {
        expectParamCount(params, 1, 2);
        const signature = signatureParam(params[0], 'signature');
        configParam(params[1]);
        const id = this.add({ id: 0, socket, kind: 'signature', signature });
        const record = this.ledger.record(signature);
        // After the subscribe response has been written, so the client knows the id it is notified on.
        if (record) setImmediate(() => this.notifySignature(id, record));
        return id;
      }
      case 'logsSubscribe': {
        expectParamCount(params, 1, 2);
        configParam(params[1]);
        return this.add({ id: 0, socket, kind: 'logs', mentions: logsMention(params[0]) });
      }
      case 'slotSubscribe':
      case 'rootSubscribe':
        expectParamCount(params, 0, 0);
        return this.add({ id: 0, socket, kind: method === 'slotSubscribe' ? 'slot' : 'root' });
      default:
        throw new RpcError(RpcErrorCode.methodNotFound, 'Method not found');
    }
  }

  dropSocket(socket: SubscriberSocket): void {
    for (const id of this.bySocket.get(socket) ?? []) this.subscriptions.delete(id);
    this.bySocket.delete(socket);
    this.updateSlotTimer();
  }

  close(): void {
    for (const detach of this.detach) detach();
    this.subscriptions.clear();
    this.bySocket.clear();
    this.updateSlotTimer();
  }

  private add(subscription: Subscription): number {
    subscription.id = this.nextId++;
    this.subscriptions.set(subscription.id, subscription);
    let ids = this.bySocket.get(subscription.socket);
    if (!ids) this.bySocket.set(subscription.socket, (ids = new Set()));
    ids.add(subscription.id);
    this.updateSlotTimer();
    return subscription.id;
  }

  private remove(id: number): void {
    const subscription = this.subscriptions.get(id);
    if (!subscription) return;
    this.subscriptions.delete(id);
    this.bySocket.get(subscription.socket)?.delete(id);
    this.updateSlotTimer();
  }

  private unsubscribe(socket: SubscriberSocket, kind: Kind, params: unknown[]): boolean {
    expectParamCount(params, 1, 1);
    const id = integerParam(params[0], 'subscription id');
    const subscription = this.subscriptions.get(id);
    if (!subscription || subscription.socket !== socket || subscription.kind !== kind) throw invalidParams('Invalid subscription id.');
    this.remove(id);
    return true;
  }

  private notify(subscription: Subscription, method: string, result: unknown): void {
    subscription.socket.send(JSON.stringify({ jsonrpc: '2.0', method, params: { result, subscription: subscription.id } }));
  }

  private accountChanged(change: AccountChange): void {
    const address = change.address.toBase58();
    const context = { slot: change.slot };
    for (const subscription of this.subscriptions.values()) {
      if (subscription.kind === 'account' && subscription.address === address) {
        const value = encodeForNotification(change.account ?? closedAccount(), subscription.options);
        if (value) this.notify(subscription, 'accountNotification', { context, value });
      }
      if (subscription.kind === 'program' && change.account?.owner.toBase58() === subscription.programId && matchesFilters(change.account.data, subscription.filters)) {
        const account = encodeForNotification(change.account, subscription.options);
        if (account) this.notify(subscription, 'programNotification', { context, value: { pubkey: address, account } });
      }
    }
  }

  private transactionProcessed(record: TransactionRecord): void {
    for (const subscription of this.subscriptions.values()) {
      if (subscription.kind === 'signature' && subscription.signature === record.signature) this.notifySignature(subscription.id, record);
      if (subscription.kind === 'logs' && (subscription.mentions === undefined || record.accountKeys.includes(subscription.mentions))) {
        this.notify(subscription, 'logsNotification', {
          context: { slot: record.slot },
          value: { signature: record.signature, err: record.err, logs: record.logMessages },
        });
      }
    }
  }

  private notifySignature(id: number, record: TransactionRecord): void {
    const subscription = this.subscriptions.get(id);
    if (!subscription) return;
    this.notify(subscription, 'signatureNotification', { context: { slot: record.slot }, value: { err: record.err } });
    this.remove(id);
  }

  /** Slot notifications need a timer (slots advance with time); it runs only while someone listens. */
  private updateSlotTimer(): void {
    const wanted = [...this.subscriptions.values()].some((s) => s.kind === 'slot' || s.kind === 'root');
    if (wanted && !this.slotTimer) {
      this.lastNotifiedSlot = this.ledger.slot();
      this.slotTimer = setInterval(() => this.slotTick(), SLOT_DURATION_MS / 2);
      this.slotTimer.unref();
    } else if (!wanted && this.slotTimer) {
      clearInterval(this.slotTimer);
      this.slotTimer = undefined;
    }
  }

  private slotTick(): void {
    const current = this.ledger.slot();
    const first = Math.max(this.lastNotifiedSlot + 1, current - MAX_SLOT_NOTIFICATIONS_PER_TICK + 1);
    for (let slot = first; slot <= current; slot++) {
      for (const subscription of this.subscriptions.values()) {
        if (subscription.kind === 'slot') this.notify(subscription, 'slotNotification', { parent: Math.max(0, slot - 1), root: slot, slot });
        if (subscription.kind === 'root') this.notify(subscription, 'rootNotification', slot);
      }
    }
    this.lastNotifiedSlot = Math.max(this.lastNotifiedSlot, current);
  }
}

function logsMention(filter: unknown): string | undefined {
  if (filter === 'all' || filter === 'allWithVotes') return undefined;
  if (typeof filter === 'object' && filter !== null && Array.isArray((filter as Record<string, unknown>)['mentions'])) {
    const mentions = (filter as Record<string, unknown[]>)['mentions'] ?? [];
    if (mentions.length !== 1) throw invalidParams('Invalid Request: Only 1 address supported');
    return pubkeyParam(mentions[0], 'mentions[0]').toBase58();
  }
  throw invalidParams(`logs filter must be "all", "allWithVotes" or { mentions: [address] }, got ${describe(filter)}`);
}

/** An account too large for the subscriber's base58 encoding is skipped, as a validator does. */
function encodeForNotification(account: Parameters<typeof encodeAccount>[0], options: AccountEncodingOptions) {
  try {
    return encodeAccount(account, options);
  } catch (err) {
    if (err instanceof RpcError) return undefined;
    throw err;
  }
}
