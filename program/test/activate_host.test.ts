/** `activate_host` against the real program: status transitions and every rejection. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Keypair, SystemProgram } from '@solana/web3.js';
import type { PublicKey } from '@solana/web3.js';
import { CONFIG, TestChain, expectOk, reportCu } from './support/chain.js';
import { readHost } from './support/accounts.js';
import { activeHost, jailedHost, registeredHost } from './support/fixtures.js';
import type { HostParty } from './support/fixtures.js';
import * as ix from './support/instructions.js';

const activate = (chain: TestChain, host: HostParty, operator: PublicKey = host.operator.publicKey, hostAccount = host.host) =>
  ix.activateHost(chain.program, { operator, host: hostAccount });
const deactivate = (chain: TestChain, host: HostParty) => ix.deactivateHost(chain.program, { operator: host.operator.publicKey, host: host.host });

test('activate_host turns a registered host active and moves no lamports', async () => {
  const chain = await TestChain.create();
  const host = await registeredHost(chain);
  const before = chain.snapshot([host.operator.publicKey, host.owner]);
  const lamports = chain.balance(host.host);
  const outcome = expectOk(chain.send([await activate(chain, host)], [host.operator]));
  reportCu('activate_host', outcome);
  assert.is(readHost(chain, host.host).status, 'Active');
  assert.is(chain.balance(host.host), lamports);
  chain.assertUnchanged(before);
});

test('activate_host turns an inactive host active again', async () => {
  const chain = await TestChain.create();
  const host = await activeHost(chain);
  expectOk(chain.send([await deactivate(chain, host)], [host.operator]));
  expectOk(chain.send([await activate(chain, host)], [host.operator]));
  assert.is(readHost(chain, host.host).status, 'Active');
});

test('activate_host rejects an active host with InvalidHostStatus and a jailed one with HostJailed', async () => {
  const chain = await TestChain.create();
  const active = await activeHost(chain);
  chain.rejects([await activate(chain, active)], [active.operator], 'InvalidHostStatus', [active.host]);
  const jailed = await jailedHost(chain);
  assert.is(readHost(chain, jailed.host).status, 'Jailed');
  chain.rejects([await activate(chain, jailed)], [jailed.operator], 'HostJailed', [jailed.host]);
});

test('activate_host rejects a host whose stake was withdrawn with StakeTooLow', async () => {
  const chain = await TestChain.create();
  const host = await registeredHost(chain);
  expectOk(chain.send([await ix.withdrawStake(chain.program, { operator: host.operator.publicKey, owner: host.owner, host: host.host })], [host.operator]));
  assert.is(readHost(chain, host.host).stake, 0n);
  chain.rejects([await activate(chain, host)], [host.operator], 'StakeTooLow', [host.host]);
});

test("activate_host rejects another signer, a missing signature, a read-only host and a host copy the program does not own", async () => {
  const chain = await TestChain.create();
  const host = await registeredHost(chain);
  const stranger = chain.wallet(1n);
  chain.rejects([await activate(chain, host, stranger.publicKey)], [stranger], 'Unauthorized', [host.host]);
  chain.rejects([ix.unsigned(await activate(chain, host), host.operator.publicKey)], [], 'MissingSigner', [host.host]);
  chain.rejects([ix.readonly(await activate(chain, host), host.host)], [host.operator], 'NotWritable', [host.host]);
  const copy = chain.copyAccount(host.host, SystemProgram.programId);
  chain.rejects([await activate(chain, host, host.operator.publicKey, copy)], [host.operator], 'WrongAccountOwner', [host.host, copy]);
  const fakeConfig = chain.copyAccount(CONFIG, Keypair.generate().publicKey);
  const withFakeConfig = await ix.activateHost(chain.program, { operator: host.operator.publicKey, host: host.host, config: fakeConfig });
  chain.rejects([withFakeConfig], [host.operator], 'WrongAccountOwner', [host.host]);
  chain.rejects([await activate(chain, host, host.operator.publicKey, CONFIG)], [host.operator], 'InvalidAccountData', [host.host, CONFIG]);
});

test.run();
