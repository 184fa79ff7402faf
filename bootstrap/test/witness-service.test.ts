// The witness service against the real local chain (the real program) and real libp2p hosts
// on loopback: honest hosts are attested and receive the attestation with the next
// challenge; forged, replayed, silent, absent and all-containers-down hosts earn nothing;
// a key the config does not list, or a node running under another identity, cannot start.
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { lpStream } from '@libp2p/utils';
import { Keypair } from '@solana/web3.js';
import type { Stream } from '@libp2p/interface';
import { Registry } from 'prom-client';
import { attestationMessage, DecloudChain } from '@decloud/sdk/chain/index';
import { verifySolanaSignature } from '@decloud/sdk/identity/signatures';
import { createDecloudNode } from '@decloud/sdk/net/create-node';
import type { DecloudNode } from '@decloud/sdk/net/index';
import {
  WITNESS_LIMITS, WITNESS_PROTOCOL, WitnessError, createWitnessMetrics, decodeChallenge, encodeAnswer, signAnswer, startWitnessService,
} from '../src/witness/index.js';
import type { CarriedAttestation, Challenge, ChallengeEvent, LeaseReport, WitnessService } from '../src/witness/index.js';
import { LOCAL_NODE, startRegisteredHost, startWitnessWorld, waitFor } from './witness-fixtures.js';
import type { TestHost, WitnessWorld } from './witness-fixtures.js';

type Behaviour = 'honest' | 'forger' | 'wrong-nonce' | 'containers-down' | 'silent' | 'absent' | 'inactive';

let world: WitnessWorld;
let witnessNode: DecloudNode;
let service: WitnessService;
const registry = new Registry();
const hosts = new Map<Behaviour, TestHost>();
/** Attestations each host received inside challenges. */
const received = new Map<Behaviour, CarriedAttestation[]>();
const challenged: ChallengeEvent[] = [];
const attested: Array<{ host: string; epoch: bigint }> = [];

/** A host's answer to one challenge, per behaviour; undefined: never answer. */
function answerOf(behaviour: Behaviour, host: TestHost, challenge: Challenge): Uint8Array | undefined {
  const none: LeaseReport[] = [];
  switch (behaviour) {
    case 'honest': return encodeAnswer(signAnswer(challenge, none, host.operator.secretKey));
    case 'forger': return encodeAnswer(signAnswer(challenge, none, Keypair.generate().secretKey));
    case 'wrong-nonce': return encodeAnswer(signAnswer({ ...challenge, nonce: new Uint8Array(randomBytes(32)) }, none, host.operator.secretKey));
    case 'containers-down': return encodeAnswer(signAnswer(challenge, [{ lease: Keypair.generate().publicKey, containerRunning: false, provenUntil: 0n }], host.operator.secretKey));
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

test.before(async () => {
  world = await startWitnessWorld();
  witnessNode = await createDecloudNode({ ...LOCAL_NODE, solanaSecretKey: world.witness.secretKey });
  const bootstrap = witnessNode.getMultiaddrs()[0]!.toString();
  for (const behaviour of ['honest', 'forger', 'wrong-nonce', 'containers-down', 'silent', 'absent', 'inactive'] as const) {
    const host = await startRegisteredHost(world, bootstrap, behaviour !== 'inactive');
    hosts.set(behaviour, host);
    if (behaviour !== 'absent') await serve(behaviour, host);
  }
  service = await startWitnessService({
    libp2p: witnessNode.libp2p,
    chain: DecloudChain.fromKeypair(world.connection, world.witness),
    witness: world.witness,
    metrics: createWitnessMetrics(registry),
  });
  service.events.on('challenged', (event) => challenged.push(event));
  service.events.on('attested', ({ host, epoch }) => attested.push({ host, epoch }));
});

test.after(async () => {
  await service?.stop();
  await Promise.all([...hosts.values()].map((h) => h.node.stop()));
  await witnessNode?.stop();
  await world?.close();
});

test('an honest host is attested for an ended epoch and receives the attestation with the next challenge', async () => {
  const honest = hosts.get('honest')!;
  const delivered = await waitFor('an attestation delivered to the honest host', () => received.get('honest')?.[0], 20_000);
  const message = attestationMessage(honest.operator.publicKey, delivered.epoch);
  assert.ok(verifySolanaSignature('', message, delivered.signature, world.witness.publicKey.toBytes()), 'signed by the witness over (host, epoch)');
  const answeredIn = eventsOf('honest').find((e) => e.epoch === delivered.epoch);
  assert.is(answeredIn?.result, 'attestable', 'attested for the epoch it answered in');
  // The host holds the attestation as soon as it reads the challenge; the witness reports that challenge once the answer is checked.
  const deliveredAt = await waitFor('the challenge that delivered it', () => eventsOf('honest').find((e) => e.epoch > delivered.epoch), 10_000);
  assert.ok(deliveredAt.epoch > delivered.epoch, 'delivered by a challenge of a later epoch (the attested one had ended)');
  assert.ok(BigInt(Math.floor(Date.now() / 1000)) >= (delivered.epoch + 1n) * 2n, 'the attested epoch has ended');
});

test('forged, replayed, silent and absent hosts fail with their reason; a host with every container down is withheld', async () => {
  // Two full rounds after the first delivery: every behaviour has been challenged.
  await waitFor('two challenges of every active host', () => (['forger', 'wrong-nonce', 'containers-down', 'silent', 'absent'] as const)
    .every((b) => eventsOf(b).length >= 2) ? true : undefined, 20_000);
  const reasons = (b: Behaviour) => [...new Set(eventsOf(b).map((e) => (e.result === 'attestable' ? 'attestable' : e.reason)))];
  assert.equal(reasons('forger'), ['forged-answer']);
  assert.equal(reasons('wrong-nonce'), ['wrong-nonce']);
  assert.equal(reasons('silent'), ['timeout']);
  assert.equal(reasons('absent'), ['unreachable']);
  assert.equal(reasons('containers-down'), ['containers-down']);
  const failure = eventsOf('forger')[0]!;
  assert.ok(failure.result === 'failed' && failure.error instanceof WitnessError && failure.error.message.includes('not signed by host'));
  for (const b of ['forger', 'wrong-nonce', 'containers-down', 'silent', 'absent'] as const) {
    const key = hosts.get(b)!.operator.publicKey.toBase58();
    assert.is(attested.filter((a) => a.host === key).length, 0, `${b} earned no attestation`);
    assert.equal(received.get(b) ?? [], [], `${b} received no attestation`);
  }
  assert.is(eventsOf('inactive').length, 0, 'a registered host that is not active is not challenged');
  assert.is(service.status().activeHosts, 6);
});

test('metrics count challenges by outcome and attestations signed and delivered', async () => {
  const text = await registry.metrics();
  const value = (line: string): number => Number(new RegExp(`^${line.replace(/[{}"]/g, '\\$&')} (\\d+)`, 'm').exec(text)?.[1] ?? NaN);
  assert.ok(value('decloud_witness_challenges_sent_total') >= 12);
  assert.ok(value('decloud_witness_challenges_answered_total') >= 3);
  for (const reason of ['forged-answer', 'wrong-nonce', 'timeout', 'unreachable']) {
    assert.ok(value(`decloud_witness_challenges_failed_total{reason="${reason}"}`) >= 1, reason);
  }
  assert.ok(value('decloud_witness_attestations_withheld_total{reason="containers-down"}') >= 1);
  assert.ok(value('decloud_witness_attestations_signed_total') >= 1);
  assert.ok(value('decloud_witness_attestations_delivered_total') >= 1);
  assert.is(value('decloud_witness_active_hosts'), 6);
  assert.is(value('decloud_witness_attestations_signed_total'), attested.length, 'only the honest host is attested');
});

test('a key the program config does not list cannot start a witness; nor a node under another identity', async () => {
  const stranger = Keypair.generate();
  const strangerNode = await createDecloudNode({ ...LOCAL_NODE, solanaSecretKey: stranger.secretKey });
  try {
    const chain = DecloudChain.fromKeypair(world.connection, stranger);
    const notWitness = await startWitnessService({ libp2p: strangerNode.libp2p, chain, witness: stranger }).then(() => undefined, (err: Error) => err);
    assert.instance(notWitness, WitnessError);
    assert.is((notWitness as WitnessError).code, 'NOT_A_WITNESS');
    assert.match(notWitness!.message, world.witness.publicKey.toBase58());
    const wrongNode = await startWitnessService({ libp2p: strangerNode.libp2p, chain, witness: world.witness }).then(() => undefined, (err: Error) => err);
    assert.is((wrongNode as WitnessError).code, 'WRONG_IDENTITY');
  } finally {
    await strangerNode.stop();
  }
});

test('stop ends the rounds: no challenge goes out afterwards', async () => {
  await service.stop();
  const count = challenged.length;
  await sleep(2_500);
  assert.is(challenged.length, count);
});

test.run();
