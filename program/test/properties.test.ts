/**
 * Property tests of the real program (escrow v2): random scenarios (config, 2-3 hosts whose
 * owners are of every kind, each with a sock-puppet wallet renting from it, 2-3 renters,
 * 1-2 witnesses and a spare, 10-60 actions by random actors, valid or not, with long reward
 * runs, witness outages and heartbeats up to and past the grace limit, config updates) run
 * in litesvm. After every step, whether it succeeded or failed:
 * - the rules (rental-rules.ts) and the program agree on whether it may happen, and a success
 *   moves exactly the lamports the rules say and writes the fields they say;
 * - lamports are conserved (the dedicated fee payer pays exactly the fee), and a failed
 *   transaction changes no account;
 * - per lease, from measured balances: the escrow paid out only to the host account and the
 *   pool, never more than rate x proven seconds, the host never more than the deposit;
 *   lease.paid <= deposit; proven seconds <= max_end - start; a lease account holds exactly
 *   rent + deposit - paid; escrow lamports move only through top-up, settle, close, penalize;
 * - host accounts hold exactly rent + stake + payable; the pool rent + funded + fees +
 *   slashed - rewarded (+ what owners that are the pool received); a reward is at most
 *   epoch_reward and a host's epoch is rewarded once; a slash only ever goes to the pool.
 * At the end every lease is closed (penalize or renter close after max end), every host
 * claims and withdraws its stake (after its jail time), and no lamport is stranded: every
 * lease account is gone, every escrow fully paid out, host accounts hold only their rent,
 * and the total is what it was at the start. A host with its own wallets (owner, sock
 * puppet) ends with exactly its rewards plus what other renters paid it, minus the fees its
 * puppets paid and its slashes: renting from itself never pays. litesvm runs on a thread
 * of its own (support/svm-thread.ts).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import type { Keypair, PublicKey } from '@solana/web3.js';
import { CONFIG, PROGRAM_ID, PROGRAM_SO, REWARD_POOL } from './support/chain.js';
import type { LeaseState } from './support/accounts.js';
import { planAction } from './support/rental-rules.js';
import type { Plan } from './support/rental-rules.js';
import { scenario } from './support/rental-scenario.js';
import type { Action, ActionKind, Scenario } from './support/rental-scenario.js';
import { RentalWorld, addressText } from './support/rental-world.js';
import type { HostActor, View } from './support/rental-world.js';
import { SvmThread } from './support/svm-thread.js';
import { same } from './support/same.js';

const RUNS = Number(process.env.DECLOUD_PROPERTY_RUNS ?? 400);
/** How often each action kind succeeded and failed over all runs, to prove the scenarios reach both. */
const tally = new Map<ActionKind, { ok: number; failed: number }>();
/** How often the runs reached the situations the properties are about. */
const reached = {
  'reward paid': 0, 'epoch counted, no reward': 0, 'penalty slashed': 0, "operator's close penalized": 0, 'a later penalty of a jailed host': 0,
  'withdrawal after jail': 0, 'claim by the owner': 0, 'self-lease opened': 0, 'receipt by a delegate': 0, 'new witness counted': 0,
  'refused within grace': 0, 'pending witness set': 0,
};
type Reached = keyof typeof reached;
const see = (what: Reached) => { reached[what] += 1; };

/** Notes which of the `reached` situations a step was. */
function observe(world: RentalWorld, plan: Plan, ok: boolean, after: View): void {
  const action = JSON.parse(plan.label) as Record<string, unknown>;
  const { before } = plan;
  if (!ok) {
    if (plan.kind === 'penalize' && plan.lease && before.lease(plan.lease.address)) see('refused within grace');
    return;
  }
  const subject = plan.lease ?? plan.proves;
  const host = subject ? world.hostAt(subject.hostIndex).host : undefined;
  if (plan.kind === 'attest' && host) {
    const [was, now] = [before.host(host), after.host(host)];
    if (now && was && now.provenEpochs > was.provenEpochs) see(now.rewardsEarned > was.rewardsEarned ? 'reward paid' : 'epoch counted, no reward');
  }
  if ((plan.kind === 'penalize' || plan.kind === 'close') && host) {
    const [was, now] = [before.host(host), after.host(host)];
    if (now?.status === 'Jailed' && was && (was.stake > now.stake || was.status !== 'Jailed')) {
      see(plan.kind === 'close' ? "operator's close penalized" : 'penalty slashed');
      if (was.status === 'Jailed') see('a later penalty of a jailed host');
    }
  }
  if (plan.kind === 'withdraw') {
    const h = world.hostAt(Number(action.host));
    if (before.host(h.host)?.status === 'Jailed') see('withdrawal after jail');
  }
  if (plan.kind === 'claim' && action.by === 'owner') {
    const h = world.hostAt(Number(action.host));
    if (!h.owner.equals(h.operator.publicKey)) see('claim by the owner');
  }
  if (plan.kind === 'open' && plan.lease?.puppetOf !== undefined) see('self-lease opened');
  if (plan.kind === 'receipt' && action.signer === 'delegate') see('receipt by a delegate');
  if ((plan.kind === 'attest' || plan.kind === 'heartbeat') && action.byWitness) {
    // The spare key (after the initial witnesses) counts only once a config update made it a witness.
    if (Number(action.witness) % world.witnessKeys.length >= world.scenario.witnessCount) see('new witness counted');
  }
  if (plan.kind === 'updateConfig' && world.config.next) see('pending witness set');
}
let svm: SvmThread | undefined;

test.before(async () => {
  svm = await SvmThread.start(PROGRAM_ID, PROGRAM_SO);
});

test.after(async () => {
  await svm?.stop();
});

const total = (view: View) => [...view.accounts.values()].reduce((sum, a) => sum + (a?.lamports ?? 0n), 0n);
const accountText = (view: View) => [...view.accounts].map(([address, a]) => `${address} ${a ? `${a.lamports} ${Buffer.from(a.owner).toString('hex')} ${Buffer.from(a.data).toString('hex')}` : '-'}`);

function count(kind: ActionKind, ok: boolean): void {
  const entry = tally.get(kind) ?? { ok: 0, failed: 0 };
  if (ok) entry.ok += 1; else entry.failed += 1;
  tally.set(kind, entry);
}

/** Sends a planned action and checks everything a step must hold. */
function run(world: RentalWorld, plan: Plan): boolean {
  const { before } = plan;
  const sent = world.send(plan.instructions, plan.signers);
  const after = world.view();
  const charged = before.payerLamports - after.payerLamports;
  const { ok } = sent.outcome;
  count(plan.kind, ok);
  observe(world, plan, ok, after);
  const context = `${plan.label} -> ${ok ? 'ok' : sent.outcome.err}\n${sent.outcome.logs.join('\n')}`;

  assert.ok(ok === plan.allowed, `the rules ${plan.allowed ? 'allow' : 'forbid'} ${context}`);
  assert.ok(charged === sent.fee || (!ok && charged === 0n), `the payer pays exactly the fee ${sent.fee} (paid ${charged}): ${context}`);
  same([total(after)], [total(before)], `lamports are conserved: ${context}`);
  if (!ok) {
    assert.equal(accountText(after), accountText(before), `a failed transaction changes no account: ${context}`);
  } else {
    for (const address of before.accounts.keys()) {
      const lamports = (v: View) => v.accounts.get(address)?.lamports ?? 0n;
      same([lamports(after) - lamports(before)], [plan.deltas.get(address) ?? 0n], `lamport change of ${address}: ${context}`);
    }
    plan.verify(after);
    plan.apply();
    keepBooks(world, plan, before, after);
  }
  for (const rec of [...world.leases, world.phantom]) {
    const moved = before.lamports(rec.address) !== after.lamports(rec.address);
    assert.ok(!moved || (ok && plan.lease === rec), `escrow ${addressText(rec.address)} moves only by its own top-up/settle/close/penalize: ${context}`);
  }
  checkState(world, after);
  return ok;
}

/** The escrow's books, from measured balances only. */
function keepBooks(world: RentalWorld, plan: Plan, before: View, after: View): void {
  const rec = plan.lease;
  if (!rec) return;
  const gained = (address: PublicKey) => after.lamports(address) - before.lamports(address);
  const h = world.hostAt(rec.hostIndex);
  if (plan.kind === 'open') world.opened(rec);
  if (plan.kind === 'open' || plan.kind === 'topUp') rec.escrowIn -= gained(rec.renter.publicKey);
  if (plan.kind === 'settle' || plan.kind === 'close' || plan.kind === 'penalize') {
    // A penalty moves the slash from the stake to the pool in the same transaction.
    const slash = (before.host(h.host)?.stake ?? 0n) - (after.host(h.host)?.stake ?? 0n);
    assert.ok(slash >= 0n && (slash === 0n || plan.kind !== 'settle'), 'only a penalty takes from the stake');
    rec.hostReceived += gained(h.host) + slash;
    rec.fees += gained(REWARD_POOL) - slash;
    if (plan.kind !== 'settle') {
      rec.refunded = gained(rec.renter.publicKey);
      rec.open = false;
    }
  }
}

/** What must hold in every state. */
function checkState(world: RentalWorld, view: View): void {
  for (const rec of world.leases) {
    const where = `lease ${addressText(rec.address)}`;
    if (rec.open) {
      const lease = view.lease(rec.address);
      assert.ok(lease, `${where} is open`);
      rec.last = lease;
      assert.ok(lease.paid <= lease.deposit, `${where}: paid ${lease.paid} <= deposit ${lease.deposit}`);
      assert.ok(lease.provenSecs <= lease.maxEnd - lease.start, `${where}: proven ${lease.provenSecs} s <= max_end - start`);
      assert.ok(lease.settledSecs <= lease.provenSecs && lease.start <= lease.provenUntil && lease.provenUntil <= lease.maxEnd, `${where}: proof bounds`);
      same([view.lamports(rec.address)], [world.rent.lease + lease.deposit - lease.paid], `${where} holds rent + deposit - paid`);
    } else {
      same([view.account(rec.address)], [null], `${where} is closed`);
    }
    const last = rec.last as LeaseState;
    const paidOut = rec.escrowIn - (rec.open ? view.lamports(rec.address) : rec.refunded);
    same([paidOut], [rec.hostReceived + rec.fees], `${where}: the escrow paid only the host account and the pool`);
    assert.ok(paidOut <= rec.rate * last.provenSecs, `${where}: the renter paid ${paidOut} <= rate x proven = ${rec.rate * last.provenSecs}`);
    same([paidOut], [rec.rate * (rec.open ? last.settledSecs : last.provenSecs)], `${where}: paid out exactly rate x settled seconds`);
    assert.ok(rec.hostReceived <= last.deposit, `${where}: the host received ${rec.hostReceived} <= deposit ${last.deposit}`);
  }
  same([view.account(world.phantom.address)], [null], 'the never-opened lease address stays empty');
  for (const [i, h] of world.hosts.entries()) {
    const host = view.host(h.host);
    if (!host) continue;
    same([view.lamports(h.host)], [world.rent.host + host.stake + host.payable], `host ${i} holds rent + stake + payable`);
    same([host.openLeases], [world.leases.filter((l) => l.open && l.hostIndex === i).length], `host ${i} counts its open leases`);
  }
  const pool = view.pool();
  same([view.lamports(REWARD_POOL)], [world.rent.pool + pool.totalFunded + pool.totalFees + pool.totalSlashed - pool.totalRewarded + world.donations.pool],
    'the pool holds rent + funded + fees + slashed - rewarded (+ donations)');
  same([view.lamports(CONFIG)], [world.rent.config + world.donations.config], 'the config holds its rent (+ donations)');
  same([pool.aliveEpoch], [world.newestAlive < 0n ? 0n : world.newestAlive], 'the pool remembers the newest alive epoch');
}

/** The index (among witnessKeys) of a witness in force now. */
function currentWitness(world: RentalWorld): number {
  const key = world.witnessesAt(world.now)[0] as Keypair;
  return world.witnessKeys.findIndex((k) => k.publicKey.equals(key.publicKey));
}

const openIndexes = (world: RentalWorld) => world.leases.filter((l) => l.open).map((_, i) => i);

async function step(world: RentalWorld, action: Action): Promise<void> {
  const L = world.config.proofEpochSecs;
  switch (action.kind) {
    case 'advance': {
      const secs = (L * action.epochQuarters) / 4n + action.secs;
      world.advance(secs > 0n ? secs : 1n);
      checkState(world, world.view());
      return;
    }
    case 'outage':
      // The witnesses are down: time passes without heartbeat or attestation.
      world.advance(BigInt(action.epochs) * L);
      checkState(world, world.view());
      return;
    case 'rewardRun':
      // Epoch after epoch, a witness attests every open lease (one of them left out), with or without heartbeats.
      for (let e = 0; e < action.epochs; e++) {
        world.advance(L);
        const leases = openIndexes(world);
        const skipped = leases.length > 1 ? action.skipLease % leases.length : -1;
        for (const i of leases) {
          if (i === skipped) continue;
          run(world, await planAction(world, { kind: 'attest', lease: i, anyLease: false, epochsBack: 1n, byWitness: true, witness: currentWitness(world), tamper: 'none' }));
        }
        if (action.heartbeats) run(world, await planAction(world, { kind: 'heartbeat', epochsBack: 1n, byWitness: true, witness: currentWitness(world) }));
      }
      return;
    case 'toLeaseEnd': {
      const lease = world.view().lease(world.leaseAt(action.lease, false).address);
      const at = lease ? lease.maxEnd + BigInt(action.offset) : world.now;
      if (at > world.now) world.advance(at - world.now);
      checkState(world, world.view());
      return;
    }
    case 'toGraceLimit': {
      // Heartbeats for exactly grace (or grace + 1) whole unproven epochs of a lease, then a penalty attempt
      // (with `again`, the same for another open lease of the same host: a later penalty of a jailed host).
      const rec = world.leaseAt(action.lease, false);
      if (action.again && rec.open && !world.leases.some((l) => l.open && l !== rec && l.hostIndex === rec.hostIndex)) {
        // A second lease of the host, from its own puppet, to be penalized after the first.
        run(world, await planAction(world, {
          kind: 'open', host: rec.hostIndex, renter: 0, puppet: true, leaseId: (rec.leaseId % 1_000_000n) + 1n, usableId: true, reuseId: false,
          rate: 1_000n, durationSecs: 200n * L, delegate: false, terms: 'none',
        }));
      }
      for (const target of [rec, ...(action.again ? world.leases.filter((l) => l.open && l !== rec && l.hostIndex === rec.hostIndex).slice(0, 1) : [])]) {
        const lease = world.view().lease(target.address);
        if (!lease) continue;
        const first = (lease.provenUntil + L - 1n) / L;
        const last = first + BigInt(lease.graceEpochs) - (action.extra ? 0n : 1n);
        if ((last + 1n) * L > world.now) world.advance((last + 1n) * L - world.now);
        for (let e = first; e <= last; e += 1n) {
          run(world, await planAction(world, { kind: 'heartbeat', epochsBack: world.now / L - e, byWitness: true, witness: currentWitness(world) }));
        }
        const index = world.leases.filter((l) => l.open).indexOf(target);
        run(world, await planAction(world, action.operatorCloses
          ? { kind: 'close', lease: index, anyLease: false, by: 'operator' }
          : { kind: 'penalize', lease: index, anyLease: false, caller: 'stranger', refundToRenter: true }));
      }
      return;
    }
    default:
      run(world, await planAction(world, action));
  }
}

const max = (a: bigint, b: bigint) => (a > b ? a : b);

/**
 * The end of a scenario: every empty payout wallet gets the rent-exempt minimum (a payout
 * below it to an empty address is refused), every lease still open ends (penalized where
 * the rules allow and the scenario says so, else closed by its renter after max end), then
 * every host claims what is payable and takes its stake back (deactivating first, waiting
 * out its jail time).
 */
async function windUp(world: RentalWorld, s: Scenario): Promise<void> {
  for (const [host, h] of world.hosts.entries()) {
    if (h.ownerKey && world.view().lamports(h.owner) === 0n) await step(world, { kind: 'payOwner', host, dust: false });
  }
  const lastEnd = world.leases.filter((l) => l.open).reduce((end, l) => max(end, l.last?.maxEnd ?? 0n), world.now);
  world.advance(lastEnd - world.now + 1n);
  let n = 0;
  while (world.leases.some((l) => l.open)) {
    const penalty = await planAction(world, { kind: 'penalize', lease: 0, anyLease: false, caller: 'stranger', refundToRenter: true });
    const usePenalty = (s.penalizeAtEnd[n % s.penalizeAtEnd.length] ?? false) && penalty.allowed;
    assert.ok(run(world, usePenalty ? penalty : await planAction(world, { kind: 'close', lease: 0, anyLease: false, by: 'renter' })), 'every lease can be closed');
    n += 1;
  }
  for (const [host, h] of world.hosts.entries()) {
    const state = world.view().host(h.host);
    if (!state) continue;
    // The owner claims when the scenario holds its key (else the operator does).
    const by = h.ownerKey ? 'owner' : 'operator';
    if (state.payable > 0n) assert.ok(run(world, await planAction(world, { kind: 'claim', host, by, toOwner: true })), `host ${host}'s ${by} claims`);
    if (state.status === 'Active') await step(world, { kind: 'deactivate', host, byOperator: true });
    if (state.status === 'Jailed' && world.now < state.jailedUntil) world.advance(state.jailedUntil - world.now);
    if (state.stake > 0n) assert.ok(run(world, await planAction(world, { kind: 'withdraw', host, byOperator: true })), `host ${host} withdraws`);
  }
}

/** The accounts of a host's own group (operator, owner, host account, sock puppet), when its owner is its own wallet. */
function groupOf(h: HostActor): PublicKey[] | undefined {
  if (!['wallet', 'empty', 'readonly', 'operator'].includes(h.ownerKind)) return undefined;
  const addresses = [h.operator.publicKey, h.host, h.puppet.publicKey];
  return h.owner.equals(h.operator.publicKey) ? addresses : [...addresses, h.owner];
}

test(`${RUNS} random scenarios: conservation, no change on failure, payment and reward bounds, slashes to the pool, escrow only by the rules`, async () => {
  const started = performance.now();
  await fc.assert(
    fc.asyncProperty(scenario, async (s) => {
      const world = await RentalWorld.create(svm as SvmThread, s);
      const start = world.view();
      const hostSteps: Action[] = s.hostStarts.flatMap((state, host) => [
        ...(state === 'none' ? [] : [{ kind: 'register', host, stake: 'min', extra: 0n } as const]),
        ...(state === 'active' ? [{ kind: 'activate', host, byOperator: true } as const] : []),
      ]);
      for (const action of [...hostSteps, ...s.openings, ...s.actions]) await step(world, action);
      await windUp(world, s);

      const end = world.view();
      const books = [...world.leases, ...world.retired];
      for (const rec of books) {
        same([end.account(rec.address)], [null], `lease ${addressText(rec.address)} is closed at the end`);
        same([rec.escrowIn], [rec.hostReceived + rec.fees + rec.refunded], 'each escrow is fully paid out');
      }
      for (const h of world.hosts) {
        const host = end.host(h.host);
        if (host) same([host.stake, host.payable, host.openLeases, end.lamports(h.host)], [0n, 0n, 0, world.rent.host], 'every stake and payment went out: the host account keeps only its rent');
        const group = groupOf(h);
        const book = world.hostBooks[h.index];
        if (!group || !book) continue;
        const gain = group.reduce((sum, a) => sum + end.lamports(a) - start.lamports(a), 0n);
        const rewards = [...book.rewards.values()].reduce((sum, r) => sum + r, 0n);
        const mine = books.filter((l) => l.hostIndex === h.index);
        const fromOthers = mine.filter((l) => l.puppetOf !== h.index).reduce((sum, l) => sum + l.hostReceived, 0n);
        const puppetFees = mine.filter((l) => l.puppetOf === h.index).reduce((sum, l) => sum + l.fees, 0n);
        same([gain], [rewards + fromOthers + book.gifts - puppetFees - book.slashed], `host ${h.index}: its wallets gained its rewards and what others paid it, minus its puppets' fees and its slashes`);
        assert.ok(gain - fromOthers - book.gifts <= rewards, `host ${h.index}: renting from itself never pays more than its rewards`);
      }
      same([total(end)], [total(start)], 'no lamport is stranded or created: the total is the start total');
    }),
    { numRuns: RUNS, includeErrorInReport: true },
  );
  const seconds = (performance.now() - started) / 1000;
  console.log(`  ${RUNS} scenarios in ${seconds.toFixed(1)} s`);
  console.table(Object.fromEntries([...tally].sort(([a], [b]) => a.localeCompare(b))));
  console.table(reached);
  for (const [what, times] of Object.entries(reached)) assert.ok(times > 0, `the runs reached: ${what}`);
  for (const [kind, { ok, failed }] of tally) {
    assert.ok(ok > 0 && failed > 0, `${kind} both succeeded (${ok}) and failed (${failed}) in some scenario`);
  }
  assert.is(tally.size, 17, 'every transaction kind ran');
});

test.run();

