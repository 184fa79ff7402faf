// The witness service against the real local chain (the real program) and real libp2p hosts
// on loopback: an honest host gets one attestation per lease it reported running that the
// chain shows open on it, with the next challenge; a lease it reports down, or one that is
// not open on-chain, gets none; forged, replayed, silent, absent, idle and all-containers-down
// hosts earn nothing. The witness posts a heartbeat for each ended epoch once its key holds
// lamports (and says once that it skips them before). A key the config does not list, or a
// node running under another identity, cannot start.
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { lpStream } from '@libp2p/utils';
import { Keypair } from '@solana/web3.js';
import type { PublicKey } from '@solana/web3.js';
import type { Stream } from '@libp2p/interface';
import { Registry } from 'prom-client';
import { attestationMessage, DecloudChain } from '@decloud/sdk/chain/index';
import { verifySolanaSignature } from '@decloud/sdk/identity/signatures';
import { createDecloudNode } from '@decloud/sdk/net/create-node';
import type { DecloudNode } from '@decloud/sdk/net/index';
import {
  WITNESS_LIMITS, WITNESS_PROTOCOL, WitnessError, createWitnessMetrics, decodeChallenge, encodeAnswer, signAnswer, startWitnessService,
} from '../src/witness/index.js';
import type { CarriedAttestation, Challenge, ChallengeEvent, LeaseReport, WitnessEvents, WitnessService } from '../src/witness/index.js';
import { EPOCH_SECS, LOCAL_NODE, airdrop, funded, openLeaseOn, startRegisteredHost, startWitnessWorld, waitFor } from './witness-fixtures.js';
import type { TestHost, WitnessWorld } from './witness-fixtures.js';

type Behaviour = 'honest' | 'forger' | 'wrong-nonce' | 'containers-down' | 'idle' | 'silent' | 'absent' | 'inactive';

let world: WitnessWorld;
let witnessNode: DecloudNode;
let service: WitnessService;
let chain: DecloudChain;
const registry = new Registry();
const hosts = new Map<Behaviour, TestHost>();
/** The honest host's leases: running and open, reported down, and one it reports that is not on-chain. */
const leases = {} as { running: PublicKey; down: PublicKey; phantom: PublicKey };
/** Attestations each host received inside challenges. */
const received = new Map<Behaviour, CarriedAttestation[]>();
const challenged: ChallengeEvent[] = [];
const attested: Array<WitnessEvents['attested']> = [];
const unattested: Array<WitnessEvents['unattested']> = [];
const heartbeats: Array<WitnessEvents['heartbeat']> = [];
const logs: string[] = [];

const report = (lease: PublicKey, containerRunning: boolean): LeaseReport => ({ lease, containerRunning, provenUntil: 0n });

/** A host's answer to one challenge, per behaviour; undefined: never answer. */
function answerOf(behaviour: Behaviour, host: TestHost, challenge: Challenge): Uint8Array | undefined {
  const one = [report(Keypair.generate().publicKey, true)];
  switch (behaviour) {
    case 'honest': return encodeAnswer(signAnswer(challenge, [report(leases.running, true), report(leases.down, false), report(leases.phantom, true)], host.operator.secretKey));
    case 'forger': return encodeAnswer(signAnswer(challenge, one, Keypair.generate().secretKey));
    case 'wrong-nonce': return encodeAnswer(signAnswer({ ...challenge, nonce: new Uint8Array(randomBytes(32)) }, one, host.operator.secretKey));
    case 'containers-down': return encodeAnswer(signAnswer(challenge, [report(Keypair.generate().publicKey, false)], host.operator.secretKey));
    case 'idle': return encodeAnswer(signAnswer(challenge, [], host.operator.secretKey));
    default: return undefined;
  }
}

async function serve(behaviour: Behaviour, host: TestHost): Promise<void> {
  await host.node.libp2p.handle(WITNESS_PROTOCOL, (stream: Stream) => {
    void (async () => {
      const lp = lpStream(stream, { maxDataLength: WITNESS_LIMITS.maxMessageBytes });
      const challenge = decodeChallenge(new Uint8Array((await lp.read()).subarray()));
      received.set(behaviour, [...(received.get(behaviour) ?? []), ...challenge.attestations]);
      const answer = answerOf(behaviour, host, challenge);
      if (answer === undefined) return; // silent: keeps the stream open, says nothing
      await lp.write(answer);
      await stream.close();
    })().catch((err: Error) => stream.abort(err));
  });
}

const eventsOf = (behaviour: Behaviour): ChallengeEvent[] => challenged.filter((e) => e.host === hosts.get(behaviour)!.operator.publicKey.toBase58());
const epochNow = (): bigint => BigInt(Math.floor(Date.now() / 1000)) / EPOCH_SECS;

test.before(async () => {
  world = await startWitnessWorld();
  witnessNode = await createDecloudNode({ ...LOCAL_NODE, solanaSecretKey: world.witness.secretKey });
  const bootstrap = witnessNode.getMultiaddrs()[0]!.toString();
  for (const behaviour of ['honest', 'forger', 'wrong-nonce', 'containers-down', 'idle', 'silent', 'absent', 'inactive'] as const) {
    const host = await startRegisteredHost(world, bootstrap, behaviour !== 'inactive');
    hosts.set(behaviour, host);
    if (behaviour !== 'absent') await serve(behaviour, host);
  }
  const renter = await funded(world.connection, 5);
  const honest = hosts.get('honest')!.operator;
  leases.running = await openLeaseOn(world.connection, honest, renter);
  leases.down = await openLeaseOn(world.connection, honest, renter);
  leases.phantom = Keypair.generate().publicKey;
  // The witness key starts without lamports: it attests, and skips its heartbeats.
  chain = DecloudChain.fromKeypair(world.connection, world.witness);
  service = await startWitnessService({
    libp2p: witnessNode.libp2p,
    chain,
    witness: world.witness,
    metrics: createWitnessMetrics(registry),
    log: (message) => logs.push(message),
  });
  service.events.on('challenged', (event) => challenged.push(event));
  service.events.on('attested', (event) => attested.push(event));
  service.events.on('unattested', (event) => unattested.push(event));
  service.events.on('heartbeat', (event) => heartbeats.push(event));
});

test.after(async () => {
  await service?.stop();
  await Promise.all([...hosts.values()].map((h) => h.node.stop()));
  await witnessNode?.stop();
  await world?.close();
});

test('an honest host gets an attestation per lease it ran, open on-chain, for an ended epoch, with the next challenge', async () => {
  const honest = hosts.get('honest')!;
  const delivered = await waitFor('an attestation delivered to the honest host', () => received.get('honest')?.[0], 20_000);
  assert.ok(delivered.lease.equals(leases.running), 'for the running lease');
  const message = attestationMessage(honest.operator.publicKey, leases.running, delivered.epoch);
  assert.ok(verifySolanaSignature('', message, delivered.signature, world.witness.publicKey.toBytes()), 'signed by the witness over (host, lease, epoch)');
  const answeredIn = eventsOf('honest').find((e) => e.epoch === delivered.epoch);
  assert.is(answeredIn?.result, 'attestable', 'attested for the epoch it answered in');
  // The host holds the attestation as soon as it reads the challenge; the witness reports that challenge once the answer is checked.
  const deliveredAt = await waitFor('the challenge that delivered it', () => eventsOf('honest').find((e) => e.epoch > delivered.epoch), 10_000);
  assert.ok(deliveredAt.epoch > delivered.epoch, 'delivered by a challenge of a later epoch (the attested one had ended)');
  assert.ok(BigInt(Math.floor(Date.now() / 1000)) >= (delivered.epoch + 1n) * EPOCH_SECS, 'the attested epoch has ended');
  // The attestation is what the program takes: posted by the host, it proves the lease's time.
  await DecloudChain.fromKeypair(world.connection, honest.operator).postAttestation(leases.running, honest.operator.publicKey, delivered.epoch, {
    signer: world.witness.publicKey, message, signature: delivered.signature,
  });
  assert.is((await chain.fetchLease(leases.running))!.provenUntil, (delivered.epoch + 1n) * EPOCH_SECS);
});

test('a lease reported down, or reported running but not open on that host on-chain, gets no attestation', async () => {
  await waitFor('two deliveries to the honest host', () => ((received.get('honest')?.length ?? 0) >= 2 ? true : undefined), 20_000);
  const honestKey = hosts.get('honest')!.operator.publicKey.toBase58();
  assert.ok(attested.length >= 2);
  assert.ok(attested.every((a) => a.host === honestKey && a.lease === leases.running.toBase58()), JSON.stringify(attested.map((a) => a.lease)));
  assert.ok(received.get('honest')!.every((a) => a.lease.equals(leases.running)), 'only the running lease is carried');
  assert.ok(unattested.some((u) => u.lease === leases.phantom.toBase58() && u.host === honestKey), 'the phantom lease is named');
  assert.ok(unattested.every((u) => u.lease === leases.phantom.toBase58()));
});

test('forged, replayed, silent and absent hosts fail with their reason; idle and all-containers-down hosts are withheld', async () => {
  // Two full rounds after the first delivery: every behaviour has been challenged.
  await waitFor('two challenges of every active host', () => (['forger', 'wrong-nonce', 'containers-down', 'idle', 'silent', 'absent'] as const)
    .every((b) => eventsOf(b).length >= 2) ? true : undefined, 20_000);
  const reasons = (b: Behaviour) => [...new Set(eventsOf(b).map((e) => (e.result === 'attestable' ? 'attestable' : e.reason)))];
  assert.equal(reasons('forger'), ['forged-answer']);
  assert.equal(reasons('wrong-nonce'), ['wrong-nonce']);
  assert.equal(reasons('silent'), ['timeout']);
  assert.equal(reasons('absent'), ['unreachable']);
  // A valid answer that arrives after its epoch ended (a loaded machine) is withheld as late instead.
  const onTime = (b: Behaviour) => reasons(b).filter((r) => r !== 'late');
  assert.equal(onTime('containers-down'), ['containers-down']);
  assert.equal(onTime('idle'), ['no-leases']);
  const failure = eventsOf('forger')[0]!;
  assert.ok(failure.result === 'failed' && failure.error instanceof WitnessError && failure.error.message.includes('not signed by host'));
  for (const b of ['forger', 'wrong-nonce', 'containers-down', 'idle', 'silent', 'absent'] as const) {
    const key = hosts.get(b)!.operator.publicKey.toBase58();
    assert.is(attested.filter((a) => a.host === key).length, 0, `${b} earned no attestation`);
    assert.equal(received.get(b) ?? [], [], `${b} received no attestation`);
  }
  assert.is(eventsOf('inactive').length, 0, 'a registered host that is not active is not challenged');
  assert.is(service.status().activeHosts, 7);
});

test('heartbeats: skipped (said once) while the witness key holds no lamports; posted for each ended epoch once it does', async () => {
  const unfunded = logs.filter((m) => m.includes('less than a heartbeat\'s fee'));
  assert.is(unfunded.length, 1, `said once: ${JSON.stringify(logs)}`);
  assert.match(unfunded[0]!, `Send SOL to ${world.witness.publicKey.toBase58()}`);
  assert.equal(heartbeats, [], 'none posted without lamports');
  assert.is(service.status().heartbeatsFunded, false);

  await airdrop(world.connection, world.witness.publicKey, 1);
  const fundedAt = epochNow();
  const first = await waitFor('a heartbeat', () => heartbeats[0], 4 * Number(EPOCH_SECS) * 1000);
  assert.ok(first.epoch >= fundedAt - 1n, 'skipped epochs are not posted later');
  await waitFor('heartbeats of two epochs in a row', () => (heartbeats.length >= 2 ? true : undefined), 4 * Number(EPOCH_SECS) * 1000);
  assert.is(heartbeats[1]!.epoch, heartbeats[0]!.epoch + 1n, 'one per ended epoch');
  assert.is(logs.filter((m) => m.includes('posting a heartbeat for each ended epoch')).length, 1);
  const tx = await world.connection.getTransaction(first.signature, { commitment: 'confirmed', maxSupportedTransactionVersion: 0 });
  assert.is(tx!.transaction.message.staticAccountKeys[0]!.toBase58(), world.witness.publicKey.toBase58(), 'the witness pays it');
  const pool = await chain.fetchRewardPool();
  for (const { epoch } of heartbeats.slice(0, 2)) {
    assert.ok(pool.aliveEpoch >= epoch && ((pool.aliveBits >> (pool.aliveEpoch - epoch)) & 1n) === 1n, `epoch ${epoch} is marked alive on-chain`);
  }
  assert.is(service.status().lastHeartbeat, heartbeats.at(-1)!.epoch.toString());
});

test('metrics count challenges by outcome, attestations signed, withheld and delivered, and heartbeats', async () => {
  const text = await registry.metrics();
  const value = (line: string): number => Number(new RegExp(`^${line.replace(/[{}"]/g, '\\$&')} (\\d+)`, 'm').exec(text)?.[1] ?? NaN);
  assert.ok(value('decloud_witness_challenges_sent_total') >= 14);
  assert.ok(value('decloud_witness_challenges_answered_total') >= 4);
  for (const reason of ['forged-answer', 'wrong-nonce', 'timeout', 'unreachable']) {
    assert.ok(value(`decloud_witness_challenges_failed_total{reason="${reason}"}`) >= 1, reason);
  }
  for (const reason of ['containers-down', 'no-leases', 'lease-not-open']) {
    assert.ok(value(`decloud_witness_attestations_withheld_total{reason="${reason}"}`) >= 1, reason);
  }
  assert.ok(value('decloud_witness_attestations_signed_total') >= 1);
  assert.ok(value('decloud_witness_attestations_delivered_total') >= 1);
  assert.is(value('decloud_witness_active_hosts'), 7);
  assert.is(value('decloud_witness_attestations_signed_total'), attested.length, 'only the honest host\'s running lease is attested');
  assert.ok(value('decloud_witness_heartbeats_posted_total') >= 2);
});

test('a key the program config does not list cannot start a witness; nor a node under another identity', async () => {
  const stranger = Keypair.generate();
  const strangerNode = await createDecloudNode({ ...LOCAL_NODE, solanaSecretKey: stranger.secretKey });
  try {
    const strangerChain = DecloudChain.fromKeypair(world.connection, stranger);
    const notWitness = await startWitnessService({ libp2p: strangerNode.libp2p, chain: strangerChain, witness: stranger }).then(() => undefined, (err: Error) => err);
    assert.instance(notWitness, WitnessError);
    assert.is((notWitness as WitnessError).code, 'NOT_A_WITNESS');
    assert.match(notWitness!.message, world.witness.publicKey.toBase58());
    const wrongNode = await startWitnessService({ libp2p: strangerNode.libp2p, chain: strangerChain, witness: world.witness }).then(() => undefined, (err: Error) => err);
    assert.is((wrongNode as WitnessError).code, 'WRONG_IDENTITY');
  } finally {
    await strangerNode.stop();
  }
});

test('stop ends the rounds: no challenge or heartbeat goes out afterwards', async () => {
  await service.stop();
  const [count, beats] = [challenged.length, heartbeats.length];
  await sleep(2_500);
  assert.is(challenged.length, count);
  assert.is(heartbeats.length, beats);
});

test.run();
