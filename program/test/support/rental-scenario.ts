/**
 * A random rental scenario for the property tests (escrow v2): the config at `initialize`,
 * the parties (hosts with owners of every kind and sock-puppet wallets of their own), the
 * hosts' starting states and a sequence of actions by random actors, valid or not (wrong
 * signer, unsigned or changed terms, stale/future/forged proofs, witness outages, config
 * changes, attackers). Actions name parties by index; the runner takes them modulo what
 * exists, so every generated action is usable.
 */
import fc from 'fast-check';
import type { ConfigParams } from './chain.js';
import { SOL } from './chain.js';

export type HostStart = 'none' | 'registered' | 'active';
/**
 * What a host names as its payout owner: a funded wallet, an empty one, its operator, a
 * renter's wallet, the config or pool PDA (they can receive), or an address that cannot
 * (a sysvar, a program, a wallet passed read-only): register_host refuses those.
 */
export type OwnerKind = 'wallet' | 'empty' | 'operator' | 'renter' | 'config' | 'pool' | 'sysvar' | 'program' | 'readonly';
export type ReceiptUntil = 'now' | 'past' | 'future' | 'beforeProven';
export type ReceiptSigner = 'renter' | 'delegate' | 'operator' | 'witness';
export type ReceiptTamper = 'none' | 'forgedMessage' | 'badSignature' | 'missing' | 'wrongHost';
export type AttestTamper = 'none' | 'wrongOperator' | 'wrongLease' | 'wrongHost';
/** How the terms of an open are signed: by the operator as they are, or not, or for other terms, or too late. */
export type TermsTamper = 'none' | 'missing' | 'renterSigned' | 'changedRate' | 'changedDelegate' | 'expired';
export type Closer = 'renter' | 'operator' | 'authority' | 'otherRenter';
export type Penalizer = 'stranger' | 'renter' | 'authority' | 'operator';
export type Claimer = 'operator' | 'owner' | 'stranger';
export type WitnessChange = 'same' | 'rotate' | 'grow' | 'none';

export type StakeChoice = 'below' | 'min' | 'more';

export type Action =
  | { kind: 'register'; host: number; stake: StakeChoice; extra: bigint }
  | { kind: 'activate'; host: number; byOperator: boolean }
  | { kind: 'deactivate'; host: number; byOperator: boolean }
  | { kind: 'withdraw'; host: number; byOperator: boolean }
  | { kind: 'addStake'; host: number; byOperator: boolean; amount: bigint }
  | { kind: 'claim'; host: number; by: Claimer; toOwner: boolean }
  | {
    kind: 'open'; host: number; renter: number; puppet: boolean; leaseId: bigint; reuseId: boolean; rate: bigint; durationSecs: bigint;
    delegate: boolean; terms: TermsTamper;
    /** the next id from leaseId with a bump-255 address (else leaseId as it is: half of them have none, and open_lease refuses those) */
    usableId: boolean;
  }
  | { kind: 'topUp'; lease: number; anyLease: boolean; extraSecs: bigint; byRenter: boolean }
  | { kind: 'advance'; epochQuarters: bigint; secs: bigint }
  | { kind: 'receipt'; lease: number; anyLease: boolean; until: ReceiptUntil; offset: bigint; signer: ReceiptSigner; tamper: ReceiptTamper }
  | { kind: 'attest'; lease: number; anyLease: boolean; epochsBack: bigint; byWitness: boolean; witness: number; tamper: AttestTamper }
  | { kind: 'heartbeat'; epochsBack: bigint; byWitness: boolean; witness: number }
  | { kind: 'settle'; lease: number; anyLease: boolean }
  | { kind: 'close'; lease: number; anyLease: boolean; by: Closer }
  | { kind: 'penalize'; lease: number; anyLease: boolean; caller: Penalizer; refundToRenter: boolean }
  | { kind: 'fund'; amount: bigint }
  | { kind: 'payOwner'; host: number; dust: boolean }
  | {
    kind: 'updateConfig'; byAuthority: boolean; feeBps: number; graceEpochs: number; slashBps: number; rewardBps: number;
    epochReward: bigint; jailSecs: bigint; witnesses: WitnessChange;
  }
  /** Macro actions (each step inside is checked like any other) */
  | { kind: 'rewardRun'; epochs: number; heartbeats: boolean; skipLease: number }
  | { kind: 'outage'; epochs: number }
  | { kind: 'toGraceLimit'; lease: number; extra: boolean; operatorCloses: boolean; again: boolean }
  /** the clock to a lease's max end, a second before or after it */
  | { kind: 'toLeaseEnd'; lease: number; offset: -1 | 0 | 1 };

export type ActionKind = Action['kind'];

export interface Scenario {
  /** derives every keypair and blockhash, so a seed replays the same addresses */
  keySeed: number;
  params: ConfigParams;
  witnessCount: number;
  renterCount: number;
  hostStarts: HostStart[];
  /** per host: what it names as its payout owner */
  ownerKinds: OwnerKind[];
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

const epochSecs = fc.oneof(fc.bigInt({ min: 30n, max: 600n }), fc.bigInt({ min: 600n, max: 3_600n }));

const params: fc.Arbitrary<ConfigParams> = epochSecs.chain((proofEpochSecs) => fc.record({
  feeBps: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 1_000 }), fc.integer({ min: 0, max: 10_000 })),
  minHostStake: fc.bigInt({ min: SOL / 10n, max: 3n * SOL }),
  proofEpochSecs: fc.constant(proofEpochSecs),
  graceEpochs: fc.integer({ min: 2, max: 5 }),
  slashBps: fc.oneof(fc.integer({ min: 0, max: 10_000 }), fc.constantFrom(0, 10_000)),
  rewardBps: fc.oneof(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 10_000 })),
  epochReward: fc.oneof(fc.bigInt({ min: 0n, max: SOL / 10n }), fc.constantFrom(0n, 1n, U64_MAX)),
  jailSecs: fc.oneof(fc.constant(0n), fc.bigInt({ min: 1n, max: 4n * proofEpochSecs })),
}));

const rate = fc.oneof(weighted(12, fc.bigInt({ min: 1n, max: 50_000n })), weighted(1, fc.constantFrom(0n, 10n ** 15n, 2n ** 63n)));
const secs = (max: bigint) => fc.oneof(weighted(12, fc.bigInt({ min: 1n, max })), weighted(1, fc.constant(0n)));

const opening = fc.record({
  kind: fc.constant('open' as const), host: index, renter: index, puppet: mostly(false, true), leaseId: fc.bigInt({ min: 1n, max: U64_MAX - 1_000n }),
  usableId: mostly(true, false),
  reuseId: mostly(false, true), rate, durationSecs: fc.oneof(weighted(3, secs(20_000n)), weighted(1, fc.bigInt({ min: 20_000n, max: 300_000n }))),
  delegate: fc.boolean(), terms: mostly<TermsTamper>('none', 'missing', 'renterSigned', 'changedRate', 'changedDelegate', 'expired'),
});

const configChange = fc.record({
  kind: fc.constant('updateConfig' as const), byAuthority: mostly(true, false),
  feeBps: fc.oneof(weighted(6, fc.integer({ min: 0, max: 10_000 })), weighted(1, fc.constant(10_001))),
  graceEpochs: fc.oneof(weighted(6, fc.integer({ min: 2, max: 5 })), weighted(1, fc.constantFrom(0, 1, 33))),
  slashBps: fc.integer({ min: 0, max: 10_000 }),
  rewardBps: fc.integer({ min: 0, max: 10_000 }),
  epochReward: fc.bigInt({ min: 0n, max: SOL / 10n }),
  jailSecs: fc.oneof(weighted(6, fc.bigInt({ min: 0n, max: 3_600n })), weighted(1, fc.constant(315_360_001n))),
  witnesses: fc.constantFrom<WitnessChange>('same', 'rotate', 'grow', 'rotate', 'grow', 'none'),
});

const action: fc.Arbitrary<Action> = fc.oneof(
  weighted(1, fc.record({ kind: fc.constant('register' as const), host: index, stake: mostly<StakeChoice>('min', 'more', 'below'), extra: fc.bigInt({ min: 1n, max: 2n * SOL }) })),
  ...(['activate', 'deactivate', 'withdraw'] as const).map((kind) => weighted(1, fc.record({ kind: fc.constant(kind), host: index, byOperator: mostly(true, false) }))),
  weighted(1, fc.record({ kind: fc.constant('addStake' as const), host: index, byOperator: mostly(true, false), amount: fc.oneof(weighted(8, fc.bigInt({ min: 1n, max: 2n * SOL })), weighted(1, fc.constant(0n))) })),
  weighted(2, fc.record({ kind: fc.constant('claim' as const), host: index, by: fc.constantFrom<Claimer>('operator', 'owner', 'operator', 'owner', 'stranger'), toOwner: mostly(true, false) })),
  weighted(3, opening),
  weighted(2, fc.record({ kind: fc.constant('topUp' as const), lease: index, anyLease, extraSecs: secs(10_000n), byRenter: mostly(true, false) })),
  weighted(6, fc.record({ kind: fc.constant('advance' as const), epochQuarters: fc.oneof(weighted(6, fc.bigInt({ min: 0n, max: 12n })), weighted(1, fc.bigInt({ min: 12n, max: 300n }))), secs: fc.bigInt({ min: 0n, max: 120n }) })),
  weighted(5, fc.record({
    kind: fc.constant('receipt' as const), lease: index, anyLease, until: mostly<ReceiptUntil>('now', 'past', 'future', 'beforeProven'),
    offset: fc.bigInt({ min: 1n, max: 3_000n }), signer: fc.constantFrom<ReceiptSigner>('renter', 'delegate', 'renter', 'delegate', 'operator', 'witness'),
    tamper: mostly<ReceiptTamper>('none', 'forgedMessage', 'badSignature', 'missing', 'wrongHost'),
  })),
  weighted(5, fc.record({
    kind: fc.constant('attest' as const), lease: index, anyLease, epochsBack: fc.oneof(weighted(3, fc.bigInt({ min: 1n, max: 2n })), weighted(1, fc.bigInt({ min: 0n, max: 8n }))),
    byWitness: mostly(true, false), witness: index, tamper: mostly<AttestTamper>('none', 'wrongOperator', 'wrongLease', 'wrongHost'),
  })),
  weighted(3, fc.record({ kind: fc.constant('heartbeat' as const), epochsBack: fc.oneof(weighted(4, fc.bigInt({ min: 1n, max: 3n })), weighted(1, fc.bigInt({ min: 0n, max: 70n }))), byWitness: mostly(true, false), witness: index })),
  weighted(2, fc.record({ kind: fc.constant('settle' as const), lease: index, anyLease })),
  weighted(1, fc.record({ kind: fc.constant('close' as const), lease: index, anyLease, by: mostly<Closer>('renter', 'operator', 'authority', 'otherRenter') })),
  weighted(2, fc.record({ kind: fc.constant('penalize' as const), lease: index, anyLease, caller: fc.constantFrom<Penalizer>('stranger', 'renter', 'authority', 'operator'), refundToRenter: mostly(true, false) })),
  weighted(1, fc.record({ kind: fc.constant('payOwner' as const), host: index, dust: mostly(false, true) })),
  weighted(2, fc.record({ kind: fc.constant('fund' as const), amount: fc.oneof(weighted(8, fc.bigInt({ min: 1n, max: 2n * SOL })), weighted(1, fc.constantFrom(0n, U64_MAX))) })),
  weighted(2, configChange),
  weighted(1, fc.record({ kind: fc.constant('rewardRun' as const), epochs: fc.integer({ min: 1, max: 12 }), heartbeats: fc.boolean(), skipLease: index })),
  weighted(1, fc.record({ kind: fc.constant('outage' as const), epochs: fc.integer({ min: 1, max: 80 }) })),
  weighted(1, fc.record({ kind: fc.constant('toLeaseEnd' as const), lease: index, offset: fc.constantFrom<-1 | 0 | 1>(-1, 0, 1) })),
  weighted(2, fc.record({ kind: fc.constant('toGraceLimit' as const), lease: index, extra: fc.boolean(), operatorCloses: fc.boolean(), again: fc.boolean() })),
);

export const scenario: fc.Arbitrary<Scenario> = fc.record({
  keySeed: fc.nat({ max: 7 }),
  params,
  witnessCount: fc.integer({ min: 1, max: 2 }),
  renterCount: fc.integer({ min: 2, max: 3 }),
  hostStarts: fc.array(fc.oneof(weighted(3, fc.constant<HostStart>('active')), weighted(1, fc.constantFrom<HostStart>('none', 'registered'))), { minLength: 2, maxLength: 3 }),
  ownerKinds: fc.array(mostly<OwnerKind>('wallet', 'empty', 'operator', 'renter', 'config', 'pool', 'sysvar', 'program', 'readonly'), { minLength: 3, maxLength: 3 }),
  openings: fc.array(opening, { minLength: 1, maxLength: 4 }),
  actions: fc.oneof(weighted(4, fc.array(action, { minLength: 10, maxLength: 25 })), weighted(1, fc.array(action, { minLength: 30, maxLength: 60 }))),
  penalizeAtEnd: fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }),
});
