/** `deactivate_host` against the real program: Active -> Inactive only, open leases go on. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SystemProgram } from '@solana/web3.js';
import type { PublicKey } from '@solana/web3.js';
import { TestChain, expectOk, reportCu } from './support/chain.js';
import { readHost, readLease } from './support/accounts.js';
import { activeHost, jailedHost, openedLease, receiptProof, registeredHost } from './support/fixtures.js';
import type { HostParty } from './support/fixtures.js';
import * as ix from './support/instructions.js';

const deactivate = (chain: TestChain, host: HostParty, operator: PublicKey = host.operator.publicKey, hostAccount = host.host) =>
  ix.deactivateHost(chain.program, { operator, host: hostAccount });

test('deactivate_host turns an active host inactive; its open lease still takes proofs', async () => {
  const chain = await TestChain.create();
  const host = await activeHost(chain);
  const lease = await openedLease(chain, host);
  const lamports = chain.balance(host.host);
  const outcome = expectOk(chain.send([await deactivate(chain, host)], [host.operator]));
  reportCu('deactivate_host', outcome);
  const state = readHost(chain, host.host);
  assert.is(state.status, 'Inactive');
  assert.is(state.openLeases, 1);
  assert.is(chain.balance(host.host), lamports);
  chain.advance(600n);
  expectOk(chain.send(await receiptProof(chain, host, lease, chain.now())));
  assert.is(readLease(chain, lease.lease).provenSecs, 600n);
});

test('deactivate_host rejects registered, inactive and jailed hosts with InvalidHostStatus', async () => {
  const chain = await TestChain.create();
  const registered = await registeredHost(chain);
  chain.rejects([await deactivate(chain, registered)], [registered.operator], 'InvalidHostStatus', [registered.host]);
  const inactive = await activeHost(chain);
  expectOk(chain.send([await deactivate(chain, inactive)], [inactive.operator]));
  chain.rejects([await deactivate(chain, inactive)], [inactive.operator], 'InvalidHostStatus', [inactive.host]);
  const jailed = await jailedHost(chain);
  chain.rejects([await deactivate(chain, jailed)], [jailed.operator], 'InvalidHostStatus', [jailed.host]);
});

test('deactivate_host rejects another signer, a missing signature, a read-only host and a host copy the program does not own', async () => {
  const chain = await TestChain.create();
  const host = await activeHost(chain);
  const stranger = chain.wallet(1n);
  chain.rejects([await deactivate(chain, host, stranger.publicKey)], [stranger], 'Unauthorized', [host.host]);
  chain.rejects([ix.unsigned(await deactivate(chain, host), host.operator.publicKey)], [], 'MissingSigner', [host.host]);
  chain.rejects([ix.readonly(await deactivate(chain, host), host.host)], [host.operator], 'NotWritable', [host.host]);
  const copy = chain.copyAccount(host.host, SystemProgram.programId);
  chain.rejects([await deactivate(chain, host, host.operator.publicKey, copy)], [host.operator], 'WrongAccountOwner', [host.host, copy]);
});

test.run();
