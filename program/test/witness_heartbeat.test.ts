/**
 * `witness_heartbeat` against the real program: a witness's signed "alive in epoch e"
 * marks e alive in the reward pool (the evidence penalties need), whoever posts it; and
 * every way one can be missing, forged, early or from a non-witness.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Keypair } from '@solana/web3.js';
import { CONFIG, REWARD_POOL, TestChain, expectOk, reportCu } from './support/chain.js';
import { readPool } from './support/accounts.js';
import { heartbeatInstructions, signed } from './support/fixtures.js';
import { heartbeatMessage, receiptMessage } from './support/messages.js';
import * as ix from './support/instructions.js';

async function setUp() {
  const chain = await TestChain.create();
  chain.advance(10n * chain.params.proofEpochSecs);
  return { chain, E: chain.epoch(), watched: [REWARD_POOL, CONFIG, (chain.witnesses[0] as Keypair).publicKey] };
}

test('a heartbeat marks its epoch alive in the pool and moves no lamports; anyone may post it', async () => {
  const { chain, E } = await setUp();
  const pool = chain.balance(REWARD_POOL);
  const outcome = expectOk(chain.send(await heartbeatInstructions(chain, E - 1n)));
  reportCu('witness_heartbeat', outcome);
  let state = readPool(chain, REWARD_POOL);
  assert.equal([state.aliveEpoch, state.aliveBits], [E - 1n, 1n]);
  assert.is(chain.balance(REWARD_POOL), pool);
  // Older epochs, in any order, by the other witness.
  expectOk(chain.send(await heartbeatInstructions(chain, E - 3n, chain.witnesses[1])));
  state = readPool(chain, REWARD_POOL);
  assert.equal([state.aliveEpoch, state.aliveBits], [E - 1n, 0b101n]);
  expectOk(chain.send(await heartbeatInstructions(chain, E - 2n)));
  assert.is(readPool(chain, REWARD_POOL).aliveBits, 0b111n);
  assert.equal([state.totalFunded, state.totalFees, state.totalRewarded, state.totalSlashed], [0n, 0n, 0n, 0n]);
});

test('a second heartbeat for an epoch already alive changes nothing', async () => {
  const { chain, E } = await setUp();
  expectOk(chain.send(await heartbeatInstructions(chain, E - 1n)));
  const before = chain.snapshot([REWARD_POOL]);
  const again = chain.send(await heartbeatInstructions(chain, E - 1n, chain.witnesses[1]));
  console.log(`  a repeated heartbeat: ${again.ok ? 'accepted' : again.err}`);
  chain.assertUnchanged(before);
});

test('a heartbeat for an epoch that has not ended fails with ProofInFuture', async () => {
  const { chain, E, watched } = await setUp();
  chain.rejects(await heartbeatInstructions(chain, E), [], 'ProofInFuture', watched);
  chain.rejects(await heartbeatInstructions(chain, E + 5n), [], 'ProofInFuture', watched);
  chain.warp((E + 1n) * chain.params.proofEpochSecs);
  expectOk(chain.send(await heartbeatInstructions(chain, E)));
});

test('a heartbeat by a non-witness fails with NotWitness; another message or epoch with ProofInvalid; none with ProofMissing', async () => {
  const { chain, E, watched } = await setUp();
  const post = await ix.witnessHeartbeat(chain.program, E - 1n);
  chain.rejects([signed(Keypair.generate(), heartbeatMessage(E - 1n)), post], [], 'NotWitness', watched);
  chain.rejects([signed(chain.authority, heartbeatMessage(E - 1n)), post], [], 'NotWitness', watched);
  const witness = chain.witnesses[0] as Keypair;
  chain.rejects([signed(witness, heartbeatMessage(E - 2n)), post], [], 'ProofInvalid', watched);
  chain.rejects([signed(witness, receiptMessage(witness.publicKey, E - 1n)), post], [], 'ProofInvalid', watched);
  chain.rejects([post], [], 'ProofMissing', watched);
});

test('witness_heartbeat rejects a fake or read-only pool, a fake config and a fake instructions sysvar', async () => {
  const { chain, E, watched } = await setUp();
  const [verify] = await heartbeatInstructions(chain, E - 1n);
  if (!verify) throw new Error('two instructions');
  const fakePool = chain.copyAccount(REWARD_POOL, Keypair.generate().publicKey);
  chain.rejects([verify, await ix.witnessHeartbeat(chain.program, E - 1n, { rewardPool: fakePool })], [], 'WrongAccountOwner', [...watched, fakePool]);
  chain.rejects([verify, ix.readonly(await ix.witnessHeartbeat(chain.program, E - 1n), REWARD_POOL)], [], 'NotWritable', watched);
  const fakeConfig = chain.copyAccount(CONFIG, Keypair.generate().publicKey);
  chain.rejects([verify, await ix.witnessHeartbeat(chain.program, E - 1n, { config: fakeConfig })], [], 'WrongAccountOwner', watched);
  chain.failsWith([verify, await ix.witnessHeartbeat(chain.program, E - 1n, { instructions: Keypair.generate().publicKey })], [], 'UnsupportedSysvar', watched);
  expectOk(chain.send([verify, await ix.witnessHeartbeat(chain.program, E - 1n)]));
});

test.run();
