// A host's uptime proven by the coordinator's witness alone (the renter stays silent), end to
// end over real sockets: the bootstrap daemon with --witness-key on the real local chain,
// host nodes with the witness responder, attestations (one per lease the host reported
// running and the chain shows open on it) posted with postAttestations and accepted by the
// program. Leases the host reports down, or does not report, get nothing. A host that stops
// answering gets nothing either, and since the witness posts its heartbeats it can then be
// penalized; strangers and junk are refused without harm.
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { lpStream } from '@libp2p/utils';
import { Keypair } from '@solana/web3.js';
import type { PublicKey } from '@solana/web3.js';
import { attestationMessage, DecloudProgramError, hostStatusOf, signProof } from '@decloud/sdk/chain/index';
import { createDecloudNode } from '@decloud/sdk/net/create-node';
import type { DecloudNode, DecloudNodeOptions } from '@decloud/sdk/net/index';
import { startBootstrapDaemon } from '@decloud/bootstrap/src/daemon/bootstrap-daemon.js';
import type { BootstrapDaemon } from '@decloud/bootstrap/src/daemon/bootstrap-daemon.js';
import { challengeHost, decodeRefusal, WITNESS_PROTOCOL, WitnessRefusedError } from '@decloud/bootstrap/src/witness/index.js';
import type { Challenge, ChallengeEvent } from '@decloud/bootstrap/src/witness/index.js';
import { HostRegistration, postAttestations } from '../src/prover/index.js';
import type { Attestation, ProverComponents } from '../src/prover/index.js';
import { registerWitnessResponder } from '../src/witness/index.js';
import type { WitnessResponder } from '../src/witness/index.js';
import { EPOCH_SECS, SOL, balanceOf, clientOf, funded, openLeaseFor, quoteFor, silentLog, startWorld, tempDir, waitFor } from './support/chain-world.js';
import type { World } from './support/chain-world.js';

const LOCAL: DecloudNodeOptions = { listen: ['/ip4/127.0.0.1/tcp/0'], webrtc: false, autonat: false, dcutr: false };

interface Host {
  components: ProverComponents;
  node: DecloudNode;
  responder: WitnessResponder;
  /** Opened once the witness has challenged the host (undefined before); reported running. */
  lease: PublicKey;
  /** Open on the host too, reported with its container down. */
  down: PublicKey;
  /** Open on the host, never reported. */
  unreported: PublicKey;
  received: Attestation[];
  refusals: string[];
  failures: string[];
  /** The chain of postAttestations calls, in arrival order. */
  posting: Promise<unknown>;
}

let world: World;
let state: Awaited<ReturnType<typeof tempDir>>;
let daemon: BootstrapDaemon;
let renter: Keypair;
const hosts: Host[] = [];
const challenged: ChallengeEvent[] = [];
const attested: Array<{ host: string; epoch: bigint }> = [];

const epochNow = (): bigint => BigInt(Math.floor(Date.now() / 1000)) / EPOCH_SECS;
const provenUntil = async (host: Host): Promise<bigint> => (await host.components.chain.fetchLease(host.lease))!.provenUntil;

/**
 * A registered, active host running the responder; its lease is opened once the witness has
 * challenged it (a host is active long before a renter comes), so every epoch of the lease
 * can be attested.
 */
async function startHost(): Promise<Host> {
  const operator = await funded(world.connection, 5);
  const components: ProverComponents = { chain: clientOf(world.connection, operator), operator, clock: Date.now, log: silentLog };
  await new HostRegistration(components, { stake: SOL, specHash: 'ef'.repeat(32) }).ensure();
  const node = await createDecloudNode({ ...LOCAL, solanaSecretKey: operator.secretKey, bootstrap: [daemon.multiaddrs()[0]!] });
  const host = { components, node, received: [], refusals: [], failures: [], posting: Promise.resolve() } as unknown as Host;
  host.responder = await registerWitnessResponder({
    libp2p: node.libp2p,
    operator,
    chain: components.chain,
    // The container runs; the renter never sends a receipt. Another lease's container is down.
    leases: () => (host.lease === undefined ? [] : [
      { lease: host.lease, containerRunning: true, provenUntil: 0n },
      { lease: host.down, containerRunning: false, provenUntil: 0n },
    ]),
    onAttestation: (attestation) => {
      host.received.push(attestation);
      host.posting = host.posting.then(() => postAttestations(components, [attestation]));
    },
  });
  host.responder.events.on('refused', ({ reason }) => host.refusals.push(reason));
  host.responder.events.on('failed', ({ error }) => host.failures.push(error.message));
  const key = operator.publicKey.toBase58();
  // Answered validly, with no lease yet: nothing to attest.
  await waitFor('a first answered challenge', async () => (challenged.some((e) => e.host === key && e.result === 'withheld' && e.reason === 'no-leases') ? true : undefined));
  const open = () => openLeaseFor(clientOf(world.connection, renter), quoteFor(operator, renter.publicKey, { durationSecs: 300 }), operator.publicKey);
  host.down = await open();
  host.unreported = await open();
  host.lease = await open();
  return host;
}

test.before(async () => {
  world = await startWorld();
  // The witness pays its heartbeats (the evidence a penalty needs) from its own key.
  await world.connection.confirmTransaction(await world.connection.requestAirdrop(world.witness.publicKey, Number(SOL)), 'confirmed');
  state = await tempDir('witness');
  const keyFile = join(state.path, 'witness.json');
  await writeFile(keyFile, JSON.stringify(Array.from(world.witness.secretKey)));
  daemon = await startBootstrapDaemon({
    stateDir: state.path, listenHost: '127.0.0.1', tcpPort: 0, wsPort: 0, webrtcPort: 0, announce: [], bootstrap: [], maxReservations: 8,
    rpcUrl: world.chain.rpcUrl, witnessKeyFile: keyFile,
  });
  daemon.witness!.events.on('challenged', (event) => challenged.push(event));
  daemon.witness!.events.on('attested', ({ host, epoch }) => attested.push({ host, epoch }));
  renter = await funded(world.connection, 10);
  hosts.push(...await Promise.all([startHost(), startHost()]));
});

test.after(async () => {
  for (const host of hosts) {
    await host.posting.catch(() => undefined);
    // DecloudNode.stop is not idempotent: the stopped host must not be stopped twice.
    if (host.node.libp2p.status === 'started') await host.node.stop();
  }
  await daemon?.stop();
  await world?.close();
  await state?.remove();
});

test('a host whose renter is silent gets proven time from the witness, epoch after epoch', async () => {
  for (const host of hosts) {
    const start = (await host.components.chain.fetchLease(host.lease))!.start;
    const first = await waitFor('the first attestation accepted on-chain', async () => {
      const until = await provenUntil(host);
      return until > start ? until : undefined;
    });
    assert.is(first % EPOCH_SECS, 0n, 'an attestation proves up to an epoch boundary');
    const second = await waitFor('proven time growing again', async () => {
      const until = await provenUntil(host);
      return until > first ? until : undefined;
    });
    assert.ok(second > first);
    const account = (await host.components.chain.fetchLease(host.lease))!;
    // The epoch the lease opened in is attested only when the witness's challenge in it came after the opening.
    const attestedEpochs = host.received.filter((a) => a.lease.equals(host.lease)).map((a) => a.epoch);
    const firstEpoch = attestedEpochs.reduce((min, e) => (e < min ? e : min));
    const seen = challenged.filter((e) => e.host === host.components.operator.publicKey.toBase58()).map((e) => `${e.epoch}:${e.result === 'failed' ? e.reason : e.result}`);
    assert.ok(firstEpoch <= start / EPOCH_SECS + 1n, `attested from the epoch it opened in or the next (opened ${start}, first attested epoch ${firstEpoch}; challenges ${seen.join(' ')})`);
    const unseen = firstEpoch * EPOCH_SECS > start ? firstEpoch * EPOCH_SECS - start : 0n;
    assert.is(account.provenSecs, account.provenUntil - start - unseen, 'every second since the first attested epoch is proven, no gap');
    assert.ok(host.received.every((a) => a.witness.equals(world.witness.publicKey)));
    assert.ok(host.received.every((a) => a.lease.equals(host.lease)), 'attestations name the running lease only');
    for (const idle of [host.down, host.unreported]) {
      assert.is((await host.components.chain.fetchLease(idle))!.provenSecs, 0n, 'a lease reported down, or not at all, earns nothing');
    }
  }
  assert.is(daemon.witness!.status().activeHosts, 2);
});

test('the witness posts a heartbeat for each ended epoch, paid from its key', async () => {
  const before = await balanceOf(world.connection, world.witness.publicKey);
  const status = await waitFor('two heartbeats', async () => {
    const s = daemon.witness!.status();
    return s.lastHeartbeat !== undefined && BigInt(s.lastHeartbeat) >= epochNow() - 2n ? s : undefined;
  });
  assert.is(status.heartbeatsFunded, true);
  await waitFor('the witness paying a later heartbeat', async () => ((await balanceOf(world.connection, world.witness.publicKey)) < before ? true : undefined));
});

test('a challenge from a peer that is not a configured witness is refused, and its attestations ignored', async () => {
  const [host] = hosts;
  const stranger = Keypair.generate();
  const strangerNode = await createDecloudNode({ ...LOCAL, solanaSecretKey: stranger.secretKey });
  try {
    await strangerNode.libp2p.dial(host!.node.getMultiaddrs()[0]!);
    const operator = host!.components.operator.publicKey;
    const selfMade = signProof(stranger.secretKey, stranger.publicKey, attestationMessage(operator, host!.lease, epochNow() - 1n)).signature;
    const challenge: Challenge = { epoch: epochNow(), nonce: new Uint8Array(randomBytes(32)), attestations: [{ lease: host!.lease, epoch: epochNow() - 1n, signature: selfMade }] };
    const refused = await challengeHost(strangerNode.libp2p, operator.toBytes(), challenge, { timeoutMs: 5_000 }).then(() => undefined, (err: Error) => err);
    assert.instance(refused, WitnessRefusedError);
    assert.is((refused as WitnessRefusedError).refusal.reason, 'NOT_A_WITNESS');
    assert.ok(host!.received.every((a) => a.witness.equals(world.witness.publicKey)), 'the stranger\'s attestation was not handed over');
    assert.ok(host!.refusals.includes('NOT_A_WITNESS'));
  } finally {
    await strangerNode.stop();
  }
});

test('an attestation that is not the witness\'s signature for this host is dropped, never handed over', async () => {
  const [host] = hosts;
  // A second node under the witness's identity: the host takes it for the witness.
  const impostor = await createDecloudNode({ ...LOCAL, solanaSecretKey: world.witness.secretKey });
  try {
    await impostor.libp2p.dial(host!.node.getMultiaddrs()[0]!);
    const otherHost = Keypair.generate().publicKey;
    const forEpoch = 5n;
    const misdirected = signProof(world.witness.secretKey, world.witness.publicKey, attestationMessage(otherHost, host!.lease, forEpoch)).signature;
    // Signed for this host, but for its other lease: it cannot pass for the running one.
    const otherLease = signProof(world.witness.secretKey, world.witness.publicKey, attestationMessage(host!.components.operator.publicKey, host!.down, forEpoch + 1n)).signature;
    const challenge: Challenge = {
      epoch: epochNow(), nonce: new Uint8Array(randomBytes(32)),
      attestations: [{ lease: host!.lease, epoch: forEpoch, signature: misdirected }, { lease: host!.lease, epoch: forEpoch + 1n, signature: otherLease }],
    };
    const answer = await challengeHost(impostor.libp2p, host!.components.operator.publicKey.toBytes(), challenge, { timeoutMs: 5_000 });
    assert.is(answer.leases.length, 2, 'the challenge itself is answered');
    await waitFor('the dropped attestations reported', async () => (
      host!.failures.some((m) => m.includes('in epoch 5 that is not its signature')) && host!.failures.some((m) => m.includes('in epoch 6 that is not its signature')) ? true : undefined), 5_000);
    assert.not.ok(host!.received.some((a) => a.epoch === forEpoch || a.epoch === forEpoch + 1n));
  } finally {
    await impostor.stop();
  }
});

test('junk is refused without crashing: a malformed frame gets a refusal, an oversized one a reset; answering goes on', async () => {
  const [host] = hosts;
  const junkNode = await createDecloudNode({ ...LOCAL });
  try {
    const peer = host!.node.peerId;
    await junkNode.libp2p.dial(host!.node.getMultiaddrs()[0]!);
    const malformed = await junkNode.libp2p.dialProtocol(peer, WITNESS_PROTOCOL);
    const lp = lpStream(malformed);
    await lp.write(new TextEncoder().encode('hello, is this the witness protocol?'));
    const refusal = decodeRefusal(new Uint8Array((await lp.read()).subarray()));
    assert.is(refusal.reason, 'MALFORMED');

    const oversized = await junkNode.libp2p.dialProtocol(peer, WITNESS_PROTOCOL);
    const big = lpStream(oversized, { maxDataLength: 1 << 20 });
    await big.write(new Uint8Array(100_000));
    const reset = await big.read({ signal: AbortSignal.timeout(5_000) }).then(() => 'answered', () => 'reset');
    assert.is(reset, 'reset');
    assert.ok(host!.refusals.includes('MALFORMED'));
    assert.ok(host!.failures.some((message) => /too long|length|max/i.test(message)), host!.failures.join('; '));
  } finally {
    await junkNode.stop();
  }
  const before = await provenUntil(host!);
  await waitFor('proven time still growing after the junk', async () => ((await provenUntil(host!)) > before ? true : undefined));
});

test('a host that stops answering (responder removed, or node stopped) is attested no more, its proven time stops, and with the witness alive it is penalized after its grace', async () => {
  const [quiet, stopped] = hosts as [Host, Host];
  await quiet.responder.stop();
  await stopped.node.stop();
  const lastEpoch = epochNow();
  // Attestations already handed over may still be landing; after that nothing new may come.
  await Promise.all([quiet.posting, stopped.posting]);
  const frozen = [await provenUntil(quiet), await provenUntil(stopped)];
  await sleep(Number(EPOCH_SECS) * 3_000 + 500);
  await Promise.all([quiet.posting, stopped.posting]);
  assert.equal([await provenUntil(quiet), await provenUntil(stopped)], frozen, 'no proven time since');
  for (const host of [quiet, stopped]) {
    const key = host.components.operator.publicKey.toBase58();
    const later = challenged.filter((e) => e.host === key && e.epoch > lastEpoch);
    assert.ok(later.length >= 2, 'still challenged every epoch');
    assert.ok(later.every((e) => e.result === 'failed' && e.reason === 'unreachable'), JSON.stringify(later.map((e) => e.result)));
    assert.is(attested.filter((a) => a.host === key && a.epoch > lastEpoch).length, 0, 'no attestation for epochs it did not answer');
  }
  // The witness kept posting heartbeats: the unproven epochs count against the host.
  const config = await stopped.components.chain.fetchConfig();
  const grace = BigInt(config.graceEpochs);
  const renterChain = clientOf(world.connection, renter);
  await waitFor('the stopped host penalizable', async () => {
    try {
      await renterChain.penalize(stopped.lease);
      return true;
    } catch (err) {
      if (err instanceof DecloudProgramError && err.errorName === 'WithinGrace') return undefined;
      throw err;
    }
  }, Number((grace + 4n) * EPOCH_SECS) * 1000);
  const host = (await stopped.components.chain.fetchHost(stopped.components.operator.publicKey))!;
  assert.is(hostStatusOf(host.status), 'jailed');
  assert.is(await renterChain.fetchLease(stopped.lease), null, 'the renter got the unproven deposit back');
});

test.run();
