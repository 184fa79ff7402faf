import type { PeerId } from '@libp2p/interface';
import { derivedSignal } from '../net/abort.js';
import { AccessConnection } from './access-connection.js';
import type { AccessCallOptions, AccessNode } from './access-connection.js';
import { RECEIPT_PROTOCOL } from './protocol-ids.js';
import { decodeReceiptOutcome, encodeReceipt } from './receipt-messages.js';
import type { ReceiptOutcome, UsageReceipt } from './types.js';

export const DEFAULT_RECEIPT_TIMEOUT_MS = 15_000;

/**
 * Hands a signed receipt (signReceipt) to the lease's host, which checks it and posts it
 * on-chain as uptime proof. Resolves 'accepted', or 'stale' when the host already holds a
 * receipt as new; throws AccessRefusedError with the host's reason otherwise.
 */
export async function sendReceipt(node: AccessNode, hostPeer: PeerId | string, receipt: UsageReceipt, options: AccessCallOptions = {}): Promise<ReceiptOutcome> {
  const frame = encodeReceipt(receipt);
  const signal = derivedSignal(options.timeoutMs ?? DEFAULT_RECEIPT_TIMEOUT_MS, options.signal);
  const connection = await AccessConnection.dial(node, hostPeer, RECEIPT_PROTOCOL, ['receiptOutcome'], signal);
  try {
    await connection.write(frame, signal);
    const outcome = await connection.expect('receiptOutcome', decodeReceiptOutcome, signal);
    await connection.finish(signal);
    return outcome;
  } catch (err) {
    connection.abort(err as Error);
    signal.throwIfAborted();
    throw err;
  }
}
