import { decodeReceipt, encodeReceiptOutcome } from '@decloud/sdk/access/index';
import type { AccessHandler } from './handler-context.js';

/**
 * `/decloud/receipt/1.0.0`: a receipt proves itself (the renter's signature over what the
 * program checks), so there is no challenge; the collector checks it against the lease's
 * renter on-chain and keeps the newest for posting.
 */
export const serveReceipt: AccessHandler = async (stream, { c, handshake }) => {
  const deadline = stream.deadline(handshake.timeoutMs);
  const receipt = decodeReceipt(await stream.read(deadline));
  const outcome = await c.receipts.submit(receipt, { signal: deadline });
  await stream.write(encodeReceiptOutcome(outcome));
  await stream.end();
  return receipt.lease.toBase58();
};
