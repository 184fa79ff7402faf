/** `add_stake` against the real program: lamports from the operator into its host's stake, staking again after a withdrawal, and every rejection. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { PublicKey } from '@solana/web3.js';
import { HOST_LEN, PROGRAM_ID, SOL, TestChain, expectOk, reportCu } from './support/chain.js';
import { readHost } from './support/accounts.js';
import { activeHost, jailedHost, registeredHost } from './support/fixtures.js';
import type { HostParty } from './support/fixtures.js';
import * as ix from './support/instructions.js';

const addStake = (chain: TestChain, host: HostParty, amount: bigint, a: Partial<Record<'operator' | 'host' | 'systemProgram', PublicKey>> = {}) =>
  ix.addStake(chain.program, amount, { operator: host.operator.publicKey, host: host.host, ...a });
const hostAccounts = (host: HostParty) => ({ operator: host.operator.publicKey, host: host.host });
const watched = (host: HostParty) => [host.host, host.owner, host.operator.publicKey];

test('add_stake moves the amount from the operator into the host and adds it to the stake', async () => {
  const chain = await TestChain.create();
  const host = await activeHost(chain);
  const stake = readHost(chain, host.host).stake;
  const [operator, hostLamports] = [chain.balance(host.operator.publicKey), chain.balance(host.host)];
  const outcome = expectOk(chain.send([await addStake(chain, host, 3n * SOL)], [host.operator]));
  reportCu('add_stake', outcome);
  assert.is(chain.balance(host.operator.publicKey), operator - 3n * SOL, 'the operator pays (not the fees: the payer does)');
  assert.is(chain.balance(host.host), hostLamports + 3n * SOL);
  const h = readHost(chain, host.host);
  assert.is(h.stake, stake + 3n * SOL);
  assert.is(h.status, 'Active', 'the status does not change');
  expectOk(chain.send([await addStake(chain, host, 1n)], [host.operator]));
  assert.is(readHost(chain, host.host).stake, stake + 3n * SOL + 1n);
  assert.is(chain.balance(host.host), chain.rent(HOST_LEN) + stake + 3n * SOL + 1n, 'the host holds its rent plus the stake');
});

test('a host that withdrew its stake adds it back and activates again', async () => {
  const chain = await TestChain.create();
  const host = await activeHost(chain);
  expectOk(chain.send([await ix.deactivateHost(chain.program, hostAccounts(host))], [host.operator]));
  expectOk(chain.send([await ix.withdrawStake(chain.program, { ...hostAccounts(host), owner: host.owner })], [host.operator]));
  chain.rejects([await ix.activateHost(chain.program, hostAccounts(host))], [host.operator], 'StakeTooLow', watched(host));
  const min = chain.params.minHostStake;
  expectOk(chain.send([await addStake(chain, host, min - 1n)], [host.operator]));
  assert.is(readHost(chain, host.host).status, 'Inactive');
  chain.rejects([await ix.activateHost(chain.program, hostAccounts(host))], [host.operator], 'StakeTooLow', watched(host));
  expectOk(chain.send([await addStake(chain, host, 1n)], [host.operator]));
  expectOk(chain.send([await ix.activateHost(chain.program, hostAccounts(host))], [host.operator]));
  const h = readHost(chain, host.host);
  assert.is(h.stake, min);
  assert.is(h.status, 'Active');
  assert.is(chain.balance(host.host), chain.rent(HOST_LEN) + min);
});

test('a registered host may add stake; a jailed one may not (HostJailed)', async () => {
  const chain = await TestChain.create();
  const registered = await registeredHost(chain);
  expectOk(chain.send([await addStake(chain, registered, 5n)], [registered.operator]));
  assert.is(readHost(chain, registered.host).stake, chain.params.minHostStake + 5n);
  assert.is(readHost(chain, registered.host).status, 'Registered');
  const jailed = await jailedHost(chain);
  chain.rejects([await addStake(chain, jailed, SOL)], [jailed.operator], 'HostJailed', watched(jailed));
});

test('add_stake rejects a zero amount with InvalidArgument', async () => {
  const chain = await TestChain.create();
  const host = await activeHost(chain);
  const outcome = chain.rejects([await addStake(chain, host, 0n)], [host.operator], 'InvalidArgument', watched(host));
  assert.ok(outcome.logs.some((l) => l.includes('amount must be greater than zero')));
});

test('add_stake rejects another signer, a missing signature, a read-only host, a wrong system program and a fake host', async () => {
  const chain = await TestChain.create();
  const host = await activeHost(chain);
  const stranger = chain.wallet(10n);
  const w = [...watched(host), stranger.publicKey];
  chain.rejects([await addStake(chain, host, SOL, { operator: stranger.publicKey })], [stranger], 'Unauthorized', w);
  chain.rejects([ix.unsigned(await addStake(chain, host, SOL), host.operator.publicKey)], [], 'MissingSigner', w);
  chain.rejects([ix.readonly(await addStake(chain, host, SOL), host.host)], [host.operator], 'NotWritable', w);
  chain.failsWith([await addStake(chain, host, SOL, { systemProgram: PROGRAM_ID })], [host.operator], 'IncorrectProgramId', w);
  const copy = chain.copyAccount(host.host, stranger.publicKey);
  chain.rejects([await addStake(chain, host, SOL, { host: copy })], [host.operator], 'WrongAccountOwner', [...w, copy]);
});

test.run();
