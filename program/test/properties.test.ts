/**
 * Property tests of the real program: 1,000 random scenarios (config, 2-3 hosts with their
 * own owners, 2-3 renters, 1-2 witnesses, 10-25 actions by random actors, valid or not)
 * run in litesvm. After every step, whether it succeeded or failed:
 * - the rules (rental-rules.ts) and the program agree on whether it may happen, and a success
 *   moves exactly the lamports the rules say and writes the fields they say;
 * - lamports are conserved (the dedicated fee payer pays exactly the fee), and a failed
 *   transaction changes no account;
 * - per lease, from measured balances: the escrow paid out only to the host's owner and the
 *   pool, never more than rate x proven seconds, the owner never more than the deposit;
 *   lease.paid <= deposit; proven seconds <= max_end - start; a lease account holds exactly
 *   rent + deposit - paid; escrow lamports move only through top-up, settle, close, penalize;
 * - host accounts hold exactly rent + stake, the pool rent + funded + fees - claimed.
 * At the end every lease is closed (penalize or renter close after max end), every host
 * claims and withdraws its stake, and no lamport is stranded: every lease account is gone,
 * every escrow fully paid out, host accounts hold only their rent, and the total is what it
 * was at the start. litesvm runs on a thread of its own (support/svm-thread.ts).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { CONFIG, PROGRAM_ID, PROGRAM_SO, REWARD_POOL } from './support/chain.js';
import type { LeaseState } from './support/accounts.js';
import { bpsOf, planAction } from './support/rental-rules.js';
import type { Plan } from './support/rental-rules.js';
import { scenario } from './support/rental-scenario.js';
import type { Action, ActionKind, Scenario } from './support/rental-scenario.js';
import { RentalWorld, addressText } from './support/rental-world.js';
import type { LeaseRecord, View } from './support/rental-world.js';
import { SvmThread } from './support/svm-thread.js';
import { same } from './support/same.js';

const RUNS = 1_000;
/** How often each action kind succeeded and failed over all runs, to prove the scenarios reach both. */
const tally = new Map<ActionKind, { ok: number; failed: number }>();
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
function run(world: RentalWorld, plan: Plan): void {
  const { before } = plan;
  const sent = world.send(plan.instructions, plan.signers);
  const after = world.view();
  const charged = before.payerLamports - after.payerLamports;
  const { ok } = sent.outcome;
  count(plan.kind, ok);
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
    keepBooks(world, plan, before, after);
  }
  for (const rec of [...world.leases, world.phantom]) {
    const moved = before.lamports(rec.address) !== after.lamports(rec.address);
    assert.ok(!moved || (ok && plan.lease === rec), `escrow ${addressText(rec.address)} moves only by its own top-up/settle/close/penalize: ${context}`);
  }
  checkState(world, after);
}

/** The escrow's books, from measured balances only. */
function keepBooks(world: RentalWorld, plan: Plan, before: View, after: View): void {
  const rec = plan.lease;
  if (!rec) return;
  const gained = (address: LeaseRecord['address']) => after.lamports(address) - before.lamports(address);
  const h = world.hostAt(rec.hostIndex);
  if (plan.kind === 'open') world.opened(rec);
  if (plan.kind === 'open' || plan.kind === 'topUp') rec.escrowIn -= gained(rec.renter.publicKey);
  if (plan.kind === 'settle' || plan.kind === 'close' || plan.kind === 'penalize') {
    // Penalize slashes the stake, to the renter, before it settles.
    const slash = plan.kind === 'penalize' ? bpsOf(before.host(h.host)?.stake ?? 0n, BigInt(world.params.slashBps)) : 0n;
    // The host's share reaches the owner address, or the host's stake when that address could not hold it.
    rec.ownerReceived += gained(h.owner.publicKey) + gained(h.host) + slash;
    rec.fees += gained(REWARD_POOL);
    if (plan.kind !== 'settle') {
      rec.refunded = gained(rec.renter.publicKey) - slash;
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
    same([paidOut], [rec.ownerReceived + rec.fees], `${where}: the escrow paid only the host's owner and the pool`);
    assert.ok(paidOut <= rec.rate * last.provenSecs, `${where}: the renter paid ${paidOut} <= rate x proven = ${rec.rate * last.provenSecs}`);
    same([paidOut], [rec.rate * (rec.open ? last.settledSecs : last.provenSecs)], `${where}: paid out exactly rate x settled seconds`);
    assert.ok(rec.ownerReceived <= last.deposit, `${where}: the owner received ${rec.ownerReceived} <= deposit ${last.deposit}`);
  }
  same([view.account(world.phantom.address)], [null], 'the never-opened lease address stays empty');
  for (const [i, h] of world.hosts.entries()) {
    const host = view.host(h.host);
    if (!host) continue;
    same([view.lamports(h.host)], [world.rent.host + host.stake], `host ${i} holds rent + stake`);
    same([host.openLeases], [world.leases.filter((l) => l.open && l.hostIndex === i).length], `host ${i} counts its open leases`);
  }
  const pool = view.pool();
  same([view.lamports(REWARD_POOL)], [world.rent.pool + pool.totalFunded + pool.totalFees - pool.totalClaimed], 'the pool holds rent + funded + fees - claimed');
}

async function step(world: RentalWorld, action: Action): Promise<void> {
  if (action.kind === 'advance') {
    const secs = (world.params.proofEpochSecs * action.epochQuarters) / 4n + action.secs;
    world.advance(secs > 0n ? secs : 1n);
    checkState(world, world.view());
    return;
  }
  run(world, await planAction(world, action));
}

/**
 * The end of a scenario: every empty payout address gets the rent-exempt minimum (a payout
 * below it to an empty address is refused, see rental-rules.ts), every lease still open ends
 * (penalized where the rules allow and the scenario says so, else closed by its renter after
 * max end), then every host claims its rewards and takes its stake back (deactivating first).
 */
async function windUp(world: RentalWorld, s: Scenario): Promise<void> {
  for (const [host, h] of world.hosts.entries()) {
    if (world.view().lamports(h.owner.publicKey) === 0n) await step(world, { kind: 'payOwner', host, dust: false });
  }
  const open = () => world.leases.flatMap((l, i) => (l.open ? [i] : []));
  const lastEnd = open().reduce((end, i) => max(end, world.leases[i]?.last?.maxEnd ?? 0n), world.now);
  world.advance(lastEnd - world.now + 1n);
  for (const [n, i] of open().entries()) {
    const penalty = await planAction(world, { kind: 'penalize', lease: i, anyLease: true, caller: 'stranger', refundToRenter: true });
    const usePenalty = (s.penalizeAtEnd[n % s.penalizeAtEnd.length] ?? false) && penalty.allowed;
    run(world, usePenalty ? penalty : await planAction(world, { kind: 'close', lease: i, anyLease: true, by: 'renter' }));
  }
  for (const [host, h] of world.hosts.entries()) {
    await step(world, { kind: 'claim', host, byOperator: true, toOwner: true });
    if (world.view().host(h.host)?.status === 'Active') await step(world, { kind: 'deactivate', host, byOperator: true });
    await step(world, { kind: 'withdraw', host, byOperator: true });
  }
}

const max = (a: bigint, b: bigint) => (a > b ? a : b);

test(`${RUNS} random scenarios: conservation, no change on failure, payment bounds, escrow only by the rules`, async () => {
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
      for (const rec of [...world.leases, ...world.retired]) {
        same([end.account(rec.address)], [null], `lease ${addressText(rec.address)} is closed at the end`);
        same([rec.escrowIn], [rec.ownerReceived + rec.fees + rec.refunded], 'each escrow is fully paid out');
      }
      for (const h of world.hosts) {
        const host = end.host(h.host);
        if (host) same([host.stake, host.openLeases, end.lamports(h.host)], [0n, 0, world.rent.host], 'every stake went back: the host account keeps only its rent');
      }
      same([total(end)], [total(start)], 'no lamport is stranded or created: the total is the start total');
      same([end.lamports(CONFIG)], [start.lamports(CONFIG)], 'the config keeps its rent');
    }),
    { numRuns: RUNS, includeErrorInReport: true },
  );
  const seconds = (performance.now() - started) / 1000;
  console.log(`  ${RUNS} scenarios in ${seconds.toFixed(1)} s`);
  console.table(Object.fromEntries([...tally].sort(([a], [b]) => a.localeCompare(b))));
  for (const [kind, { ok, failed }] of tally) {
    assert.ok(ok > 0 && failed > 0, `${kind} both succeeded (${ok}) and failed (${failed}) in some scenario`);
  }
  assert.is(tally.size, 15, 'every transaction kind ran');
});

test.run();
