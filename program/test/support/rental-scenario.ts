/**
 * A random rental scenario for the property tests: the config at `initialize`, the
 * parties, the hosts' starting states and a sequence of actions by random actors, valid
 * or not (wrong signer, stale/future/forged proofs, attackers). Actions name parties by
 * index; the runner takes them modulo what exists, so every generated action is usable.
 */
import fc from 'fast-check';
import type { ConfigParams } from './chain.js';
import { SOL } from './chain.js';

export type HostStart = 'none' | 'registered' | 'active';
export type ReceiptUntil = 'now' | 'past' | 'future' | 'beforeProven';
export type ReceiptTamper = 'none' | 'wrongSigner' | 'forgedMessage' | 'badSignature' | 'missing' | 'wrongHost';
export type AttestTamper = 'none' | 'forgedMessage' | 'wrongHost';
export type Closer = 'renter' | 'operator' | 'authority' | 'otherRenter';
export type Penalizer = 'stranger' | 'renter' | 'authority';

export type StakeChoice = 'below' | 'min' | 'more';

export type Action =
  | { kind: 'register'; host: number; stake: StakeChoice; extra: bigint }
  | { kind: 'activate'; host: number; byOperator: boolean }
  | { kind: 'deactivate'; host: number; byOperator: boolean }
  | { kind: 'withdraw'; host: number; byOperator: boolean }
  | { kind: 'addStake'; host: number; byOperator: boolean; amount: bigint }
  | { kind: 'claim'; host: number; byOperator: boolean; toOwner: boolean }
  | { kind: 'open'; host: number; renter: number; leaseId: bigint; reuseId: boolean; rate: bigint; durationSecs: bigint }
  | { kind: 'topUp'; lease: number; anyLease: boolean; extraSecs: bigint; byRenter: boolean }
  | { kind: 'advance'; epochQuarters: bigint; secs: bigint }
  | { kind: 'receipt'; lease: number; anyLease: boolean; until: ReceiptUntil; offset: bigint; tamper: ReceiptTamper }
  | { kind: 'attest'; lease: number; anyLease: boolean; epochsBack: bigint; byWitness: boolean; witness: number; tamper: AttestTamper }
  | { kind: 'settle'; lease: number; anyLease: boolean; toOwner: boolean }
  | { kind: 'close'; lease: number; anyLease: boolean; by: Closer }
  | { kind: 'penalize'; lease: number; anyLease: boolean; caller: Penalizer; refundToRenter: boolean }
  | { kind: 'fund'; amount: bigint }
  | { kind: 'payOwner'; host: number; dust: boolean };

export type ActionKind = Action['kind'];

export interface Scenario {
  /** derives every keypair and blockhash, so a seed replays the same addresses */
  keySeed: number;
  params: ConfigParams;
  witnessCount: number;
  renterCount: number;
  hostStarts: HostStart[];
  /** per host: whether its payout address holds lamports from the start (else it is empty) */
  ownerFunded: boolean[];
  /** leases opened right after the hosts start (they fail where the host is not active) */
  openings: Extract<Action, { kind: 'open' }>[];
  actions: Action[];
  /** per lease still open at the end: end it by penalize_host (when the rules allow) rather than close_lease */
  penalizeAtEnd: boolean[];
}

const U64_MAX = 2n ** 64n - 1n;
const index = fc.nat({ max: 7 });
const weighted = <T>(weight: number, arbitrary: fc.Arbitrary<T>) => ({ weight, arbitrary });
/** Mostly the valid choice, sometimes each of the others. */
const mostly = <T extends string | boolean>(valid: T, ...others: T[]): fc.Arbitrary<T> => fc.oneof(weighted(others.length * 2, fc.constant(valid)), ...others.map((o) => weighted(1, fc.constant(o))));

/** Lease actions mostly pick an open lease, sometimes any lease the scenario opened (closed ones too). */
const anyLease = mostly(false, true);

const params: fc.Arbitrary<ConfigParams> = fc.record({
  feeBps: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 1_000 }), fc.integer({ min: 0, max: 10_000 })),
  minHostStake: fc.bigInt({ min: SOL / 10n, max: 3n * SOL }),
  proofEpochSecs: fc.oneof(fc.bigInt({ min: 30n, max: 600n }), fc.bigInt({ min: 600n, max: 3_600n })),
  graceEpochs: fc.integer({ min: 0, max: 4 }),
  slashBps: fc.integer({ min: 0, max: 10_000 }),
  rewardBps: fc.oneof(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 10_000 })),
});

const rate = fc.oneof(weighted(12, fc.bigInt({ min: 1n, max: 50_000n })), weighted(1, fc.constantFrom(0n, 10n ** 15n, 2n ** 63n)));
const secs = (max: bigint) => fc.oneof(weighted(12, fc.bigInt({ min: 1n, max })), weighted(1, fc.constant(0n)));

const opening = fc.record({
  kind: fc.constant('open' as const), host: index, renter: index, leaseId: fc.bigInt({ min: 1n, max: U64_MAX }),
  reuseId: mostly(false, true), rate, durationSecs: secs(20_000n),
});

const action: fc.Arbitrary<Action> = fc.oneof(
  weighted(1, fc.record({ kind: fc.constant('register' as const), host: index, stake: mostly<StakeChoice>('min', 'more', 'below'), extra: fc.bigInt({ min: 1n, max: 2n * SOL }) })),
  ...(['activate', 'deactivate', 'withdraw'] as const).map((kind) => weighted(1, fc.record({ kind: fc.constant(kind), host: index, byOperator: mostly(true, false) }))),
  weighted(1, fc.record({ kind: fc.constant('addStake' as const), host: index, byOperator: mostly(true, false), amount: fc.oneof(weighted(8, fc.bigInt({ min: 1n, max: 2n * SOL })), weighted(1, fc.constant(0n))) })),
  weighted(2, fc.record({ kind: fc.constant('claim' as const), host: index, byOperator: mostly(true, false), toOwner: mostly(true, false) })),
  weighted(3, opening),
  weighted(2, fc.record({ kind: fc.constant('topUp' as const), lease: index, anyLease, extraSecs: secs(10_000n), byRenter: mostly(true, false) })),
  weighted(6, fc.record({ kind: fc.constant('advance' as const), epochQuarters: fc.bigInt({ min: 0n, max: 12n }), secs: fc.bigInt({ min: 0n, max: 120n }) })),
  weighted(6, fc.record({
    kind: fc.constant('receipt' as const), lease: index, anyLease, until: mostly<ReceiptUntil>('now', 'past', 'future', 'beforeProven'),
    offset: fc.bigInt({ min: 1n, max: 3_000n }), tamper: mostly<ReceiptTamper>('none', 'wrongSigner', 'forgedMessage', 'badSignature', 'missing', 'wrongHost'),
  })),
  weighted(4, fc.record({
    kind: fc.constant('attest' as const), lease: index, anyLease, epochsBack: fc.oneof(weighted(3, fc.bigInt({ min: 1n, max: 2n })), weighted(1, fc.bigInt({ min: 0n, max: 8n }))), byWitness: mostly(true, false), witness: index,
    tamper: mostly<AttestTamper>('none', 'forgedMessage', 'wrongHost'),
  })),
  weighted(2, fc.record({ kind: fc.constant('settle' as const), lease: index, anyLease, toOwner: mostly(true, false) })),
  weighted(1, fc.record({ kind: fc.constant('close' as const), lease: index, anyLease, by: mostly<Closer>('renter', 'operator', 'authority', 'otherRenter') })),
  weighted(1, fc.record({ kind: fc.constant('penalize' as const), lease: index, anyLease, caller: fc.constantFrom<Penalizer>('stranger', 'renter', 'authority'), refundToRenter: mostly(true, false) })),
  weighted(1, fc.record({ kind: fc.constant('payOwner' as const), host: index, dust: mostly(false, true) })),
  weighted(2, fc.record({ kind: fc.constant('fund' as const), amount: fc.oneof(weighted(8, fc.bigInt({ min: 1n, max: 2n * SOL })), weighted(1, fc.constantFrom(0n, U64_MAX))) })),
);

export const scenario: fc.Arbitrary<Scenario> = fc.record({
  keySeed: fc.nat({ max: 7 }),
  params,
  witnessCount: fc.integer({ min: 1, max: 2 }),
  renterCount: fc.integer({ min: 2, max: 3 }),
  hostStarts: fc.array(fc.oneof(weighted(3, fc.constant<HostStart>('active')), weighted(1, fc.constantFrom<HostStart>('none', 'registered'))), { minLength: 2, maxLength: 3 }),
  ownerFunded: fc.array(mostly(true, false), { minLength: 3, maxLength: 3 }),
  openings: fc.array(opening, { minLength: 1, maxLength: 3 }),
  actions: fc.array(action, { minLength: 10, maxLength: 22 }),
  penalizeAtEnd: fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }),
});
