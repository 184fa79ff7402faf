import {
  Connection,
  Keypair,
  LAMPORTS_PER_SOL,
  SystemProgram,
  Transaction,
  TransactionMessage,
  VersionedTransaction,
  sendAndConfirmTransaction,
} from '@solana/web3.js';
import bs58 from 'bs58';
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { WebSocket } from 'ws';
import { startLocalChain } from '../src/chain/index.js';
import type { LocalChain } from '../src/chain/index.js';
import { postRaw, rpcBody } from './chain-fixtures.js';

/** Bad input over HTTP and websockets: the validator's JSON-RPC errors, no crash, no state change. */
let chain: LocalChain;
let connection: Connection;
let payer: Keypair;

test.before(async () => {
  chain = await startLocalChain({ port: 0 });
  connection = new Connection(chain.rpcUrl, 'confirmed');
  payer = Keypair.generate();
  const signature = await connection.requestAirdrop(payer.publicKey, 5 * LAMPORTS_PER_SOL);
  await connection.confirmTransaction({ signature, ...(await connection.getLatestBlockhash()) });
});

test.after(async () => {
  await chain.close();
});

async function rpc(method: string, params: unknown[] = []) {
  const response = await postRaw(chain.rpcUrl, rpcBody(method, params, 'req-1'));
  assert.is(response.status, 200);
  return response.json;
}

async function transfer(lamports: number, blockhash?: string): Promise<Transaction> {
  const transaction = new Transaction({ feePayer: payer.publicKey, recentBlockhash: blockhash ?? (await connection.getLatestBlockhash()).blockhash });
  transaction.add(SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: Keypair.generate().publicKey, lamports }));
  transaction.sign(payer);
  return transaction;
}

test('malformed envelopes get -32700 / -32600 with a null id', async () => {
  const cases: Array<[string, number]> = [
    ['{"jsonrpc":"2.0",', -32700],
    ['42', -32600],
    ['[]', -32600],
    ['{"id":1,"method":"getSlot"}', -32600],
    ['{"jsonrpc":"2.0","id":1,"method":7}', -32600],
    ['{"jsonrpc":"2.0","id":{"x":1},"method":"getSlot"}', -32600],
  ];
  for (const [body, code] of cases) {
    const response = await postRaw(chain.rpcUrl, body);
    assert.is(response.status, 200, body);
    assert.is(response.json.error.code, code, body);
    assert.is(typeof response.json.error.message, 'string');
  }
  assert.is((await postRaw(chain.rpcUrl, '{"jsonrpc":"2.0",')).json.id, null);
  assert.is((await postRaw(chain.rpcUrl, '{"jsonrpc":"2.0","id":9,"method":7}')).json.id, 9);
});

test('unknown methods get -32601 and bad params -32602 naming the parameter', async () => {
  const unknown = await rpc('getEverything');
  assert.equal(unknown.error, { code: -32601, message: 'Method not found' });
  assert.is(unknown.id, 'req-1');
  assert.is((await rpc('accountSubscribe', [payer.publicKey.toBase58()])).error.code, -32601, 'subscriptions are websocket-only');

  const cases: Array<[string, unknown[], string]> = [
    ['getBalance', ['not-a-key'], 'account address must be a base58 public key'],
    ['getBalance', [], 'expected 1 to 2 params, got 0'],
    ['getBalance', [payer.publicKey.toBase58(), { commitment: 'eventually' }], 'commitment must be one of'],
    ['getAccountInfo', [payer.publicKey.toBase58(), { encoding: 'hex' }], 'encoding must be one of'],
    ['getMultipleAccounts', [Array.from({ length: 101 }, () => payer.publicKey.toBase58())], 'Too many inputs provided; max 100'],
    ['getProgramAccounts', [SystemProgram.programId.toBase58(), { filters: [{ memcmp: { offset: -1, bytes: '1' } }] }], 'filters[0].memcmp.offset'],
    ['getSignatureStatuses', [['abc']], 'signature 0 must be a base58 transaction signature'],
    ['getMinimumBalanceForRentExemption', ['10'], 'data length must be an integer'],
    ['requestAirdrop', [payer.publicKey.toBase58(), 0], 'lamports must be greater than 0'],
    ['sendTransaction', ['%%%', { encoding: 'base64' }], 'transaction is not valid base64'],
    ['sendTransaction', [bs58.encode(Buffer.alloc(40, 1))], 'failed to deserialize transaction'],
    ['simulateTransaction', ['AA==', { sigVerify: true, replaceRecentBlockhash: true, encoding: 'base64' }], 'failed to deserialize transaction'],
  ];
  for (const [method, params, message] of cases) {
    const response = await rpc(method, params);
    assert.is(response.error?.code, -32602, `${method}: ${JSON.stringify(response)}`);
    assert.ok(response.error.message.includes(message), `${method}: "${response.error.message}" should mention "${message}"`);
  }
  const byName = await postRaw(chain.rpcUrl, JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'getBalance', params: { pubkey: payer.publicKey.toBase58() } }));
  assert.is(byName.json.error.code, -32602);
  const future = await rpc('getBalance', [payer.publicKey.toBase58(), { minContextSlot: 10_000_000 }]);
  assert.is(future.error.code, -32016);
});

test('batches answer each request in order; notifications get no answer', async () => {
  const batch = JSON.stringify([
    { jsonrpc: '2.0', id: 1, method: 'getSlot' },
    { jsonrpc: '2.0', method: 'getSlot' },
    { jsonrpc: '2.0', id: 2, method: 'nope' },
    { jsonrpc: '2.0', id: 3, method: 'getBalance', params: [payer.publicKey.toBase58()] },
  ]);
  const response = await postRaw(chain.rpcUrl, batch);
  assert.equal(response.json.map((r: { id: number }) => r.id), [1, 2, 3]);
  assert.is(typeof response.json[0].result, 'number');
  assert.is(response.json[1].error.code, -32601);
  assert.is(response.json[2].result.value, 5 * LAMPORTS_PER_SOL);
  const onlyNotification = await postRaw(chain.rpcUrl, '{"jsonrpc":"2.0","method":"getSlot"}');
  assert.is(onlyNotification.status, 204);
  assert.is(onlyNotification.text, '');
});

test('oversized bodies are refused with 413 and the server keeps serving', async () => {
  const huge = rpcBody('getBalance', [payer.publicKey.toBase58(), { pad: 'x'.repeat(60 * 1024) }]);
  const response = await postRaw(chain.rpcUrl, huge);
  assert.is(response.status, 413);
  assert.is(response.json.error.code, -32600);
  assert.is((await rpc('getHealth')).result, 'ok');
});

test('plain HTTP: health check, CORS pre-flight, other verbs refused', async () => {
  const health = await fetch(`${chain.rpcUrl}/health`);
  assert.is(await health.text(), 'ok');
  const preflight = await fetch(chain.rpcUrl, { method: 'OPTIONS' });
  assert.is(preflight.status, 204);
  assert.is(preflight.headers.get('access-control-allow-origin'), '*');
  assert.is((await fetch(chain.rpcUrl)).status, 405);
});

test('transactions the chain cannot accept: clear -32002/-32602 errors and nothing changes', async () => {
  const balance = await connection.getBalance(payer.publicKey);
  const stale = await transfer(1_000, bs58.encode(Buffer.alloc(32, 9)));
  const unknownBlockhash = await rpc('sendTransaction', [stale.serialize().toString('base64'), { encoding: 'base64' }]);
  assert.is(unknownBlockhash.error.code, -32002);
  assert.is(unknownBlockhash.error.message, 'Transaction simulation failed: Blockhash not found');
  const skipped = await rpc('sendTransaction', [stale.serialize().toString('base64'), { encoding: 'base64', skipPreflight: true }]);
  assert.is(skipped.error.code, -32002);
  assert.match(skipped.error.message, 'Blockhash not found');

  const forged = await transfer(1_000);
  const wire = forged.serialize();
  wire[10] = (wire[10] ?? 0) ^ 0xff; // corrupt the signature
  const badSignature = await rpc('sendTransaction', [bs58.encode(wire)]);
  assert.equal(badSignature.error, { code: -32003, message: 'Transaction signature verification failure' });
  assert.is(await connection.getBalance(payer.publicKey), balance);

  // base58 is the default encoding; the second copy of a transaction is refused.
  const once = await transfer(1_000_000);
  const first = await rpc('sendTransaction', [bs58.encode(once.serialize())]);
  assert.is(first.result, bs58.encode(once.signature ?? new Uint8Array()));
  const twice = await rpc('sendTransaction', [bs58.encode(once.serialize())]);
  assert.is(twice.error.code, -32002);
  assert.match(twice.error.message, 'already been processed');
  assert.is(await connection.getBalance(payer.publicKey), balance - 1_000_000 - 5_000);
});

test('simulateTransaction: stale blockhash reported in the result, replaceRecentBlockhash fixes it, accounts returned on request', async () => {
  const recipient = Keypair.generate().publicKey;
  const transaction = new Transaction({ feePayer: payer.publicKey, recentBlockhash: bs58.encode(Buffer.alloc(32, 3)) });
  transaction.add(SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: recipient, lamports: 1_000_000 }));
  const wire = transaction.serialize({ requireAllSignatures: false }).toString('base64');
  const stale = await rpc('simulateTransaction', [wire, { encoding: 'base64' }]);
  assert.is(stale.result.value.err, 'BlockhashNotFound');
  const replaced = await rpc('simulateTransaction', [
    wire,
    { encoding: 'base64', replaceRecentBlockhash: true, accounts: { addresses: [recipient.toBase58()], encoding: 'base64' } },
  ]);
  assert.is(replaced.result.value.err, null);
  assert.is(replaced.result.value.accounts[0].lamports, 1_000_000);
  assert.is(typeof replaced.result.value.replacementBlockhash.blockhash, 'string');
  assert.is(await connection.getBalance(recipient), 0, 'a simulation changes nothing');
  const conflicting = await rpc('simulateTransaction', [wire, { encoding: 'base64', sigVerify: true, replaceRecentBlockhash: true }]);
  assert.is(conflicting.error.code, -32602);
});

test('v0 transactions: getTransaction needs maxSupportedTransactionVersion, as on a validator', async () => {
  const { blockhash } = await connection.getLatestBlockhash();
  const message = new TransactionMessage({
    payerKey: payer.publicKey,
    recentBlockhash: blockhash,
    instructions: [SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: Keypair.generate().publicKey, lamports: 1_000_000 })],
  }).compileToV0Message();
  const transaction = new VersionedTransaction(message);
  transaction.sign([payer]);
  const signature = await connection.sendTransaction(transaction);
  await connection.confirmTransaction({ signature, blockhash, lastValidBlockHeight: (await connection.getLatestBlockhash()).lastValidBlockHeight });
  const refused = await rpc('getTransaction', [signature]);
  assert.is(refused.error.code, -32015);
  const recorded = await connection.getTransaction(signature, { maxSupportedTransactionVersion: 0 });
  assert.is(recorded?.version, 0);
  assert.equal(recorded?.meta?.loadedAddresses, { writable: [], readonly: [] });
});

test('random and mutated transaction bytes never crash the chain nor change state', async () => {
  const template = (await transfer(1_000)).serialize();
  const balance = await connection.getBalance(payer.publicKey);
  const count = await connection.getTransactionCount();
  const mutated = fc.tuple(fc.integer({ min: 0, max: template.length - 1 }), fc.integer({ min: 1, max: 255 })).map(([index, xor]) => {
    const bytes = Buffer.from(template);
    bytes[index] = (bytes[index] ?? 0) ^ xor;
    return bytes;
  });
  const random = fc.uint8Array({ minLength: 0, maxLength: 400 }).map((bytes) => Buffer.from(bytes));
  await fc.assert(
    fc.asyncProperty(fc.oneof(mutated, random), fc.boolean(), fc.constantFrom('sendTransaction', 'simulateTransaction'), async (bytes, skipPreflight, method) => {
      const response = await rpc(method, [bytes.toString('base64'), { encoding: 'base64', skipPreflight, sigVerify: true }]);
      assert.ok(response.error !== undefined || method === 'simulateTransaction', JSON.stringify(response));
    }),
    { numRuns: 300 },
  );
  assert.is(await connection.getBalance(payer.publicKey), balance);
  assert.is(await connection.getTransactionCount(), count);
});

test('websockets: JSON-RPC errors for bad frames, subscriptions validated, unknown ids refused', async () => {
  const ws = new WebSocket(chain.wsUrl);
  const replies: any[] = [];
  ws.on('message', (data) => replies.push(JSON.parse(data.toString())));
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const next = async () => {
    const start = replies.length;
    while (replies.length === start) await new Promise((resolve) => setTimeout(resolve, 10));
    return replies[start];
  };
  ws.send('{oops');
  assert.is((await next()).error.code, -32700);
  ws.send(rpcBody('accountSubscribe', ['nope']));
  assert.is((await next()).error.code, -32602);
  ws.send(rpcBody('accountUnsubscribe', [424242]));
  assert.equal((await next()).error, { code: -32602, message: 'Invalid subscription id.' });
  ws.send(rpcBody('slotSubscribe', [], 5));
  const subscribed = await next();
  assert.is(subscribed.id, 5);
  const notification = await next();
  assert.is(notification.method, 'slotNotification');
  assert.is(notification.params.subscription, subscribed.result);
  assert.is(notification.params.result.parent, notification.params.result.slot - 1);
  ws.send(rpcBody('slotUnsubscribe', [subscribed.result], 6));
  // Slot notifications may still be in flight; find the unsubscribe answer.
  let answer = await next();
  while (answer.id !== 6) answer = await next();
  assert.is(answer.result, true);
  ws.send(rpcBody('getHealth', [], 7));
  assert.is((await next()).result, 'ok');
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  ws.send('x'.repeat(60 * 1024));
  assert.is(await closed, 1009);
  assert.is((await rpc('getHealth')).result, 'ok');
});

test('sendAndConfirmTransaction still works after all of the above', async () => {
  const recipient = Keypair.generate().publicKey;
  await sendAndConfirmTransaction(connection, new Transaction().add(SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: recipient, lamports: LAMPORTS_PER_SOL })), [payer]);
  assert.is(await connection.getBalance(recipient), LAMPORTS_PER_SOL);
});

test.run();
