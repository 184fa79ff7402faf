/**
 * The program's interface, written once: `generate-idl.ts` turns it into the Anchor IDL
 * (`program/idl/decloud.json`, the contract between Rust and TypeScript). The Rust source
 * implements exactly this; `program/test/idl.test.ts` proves it by driving every
 * instruction and decoding every account through `@coral-xyz/anchor`.
 *
 * Byte layouts are borsh (little-endian, no padding) after an 8-byte discriminator.
 */
export const PROGRAM_ID = '8zfMLQeWjnFyfqzLuGkdQopCVoZdmsyfGL2ama1PiDGt';
export const SYSTEM_PROGRAM = '11111111111111111111111111111111';
export const INSTRUCTIONS_SYSVAR = 'Sysvar1nstructions1111111111111111111111111';
export const MAX_WITNESSES = 4;
export const PEER_ID_LEN = 38; // identity multihash of an Ed25519 libp2p key
/**
 * Signed messages checked through the Ed25519 program (the instruction right before the one
 * that needs it; the program reads it from the instructions sysvar):
 * - terms:       renter (32) || host operator (32) || lease_id u64 || rate u64 || duration_secs u64
 *                || quote_expires_at i64 || delegate (32) || terms_hash (32) — signed by the host operator (open_lease)
 * - receipt:     lease (32) || until i64 — signed by the lease's renter or its delegate (post_proof)
 * - attestation: host operator (32) || lease (32) || epoch u64 — signed by a witness (post_proof)
 * - heartbeat:   epoch u64 — signed by a witness (witness_heartbeat)
 * All integers little-endian.
 */
export const TERMS_DOMAIN = 'decloud/terms/v1';
export const RECEIPT_DOMAIN = 'decloud/receipt/v1';
export const ATTESTATION_DOMAIN = 'decloud/attest/v2';
export const HEARTBEAT_DOMAIN = 'decloud/alive/v1';
/** The upgradeable loader, owner of the program's ProgramData account (initialize checks its upgrade authority). */
export const UPGRADEABLE_LOADER = 'BPFLoaderUpgradeab1e11111111111111111111111';
/** A lease address is derived with this bump only (canonical by construction: clients pick a lease id that has it). */
export const LEASE_BUMP = 255;
const pubkey = 'pubkey';
const bytes = (n) => ({ array: ['u8', n] });
const defined = (name) => ({ defined: { name } });
export const accountsTypes = {
    Config: [
        ['authority', pubkey], ['fee_bps', 'u16'], ['min_host_stake', 'u64'], ['proof_epoch_secs', 'u64'],
        ['grace_epochs', 'u32'], ['slash_bps', 'u16'], ['reward_bps', 'u16'], ['epoch_reward', 'u64'], ['jail_secs', 'u64'],
        ['witness_count', 'u8'], ['witnesses', { array: [pubkey, MAX_WITNESSES] }],
        ['next_witness_count', 'u8'], ['next_witnesses', { array: [pubkey, MAX_WITNESSES] }], ['next_witnesses_at', 'i64'],
        ['reward_pool', pubkey], ['bump', 'u8'], ['pool_bump', 'u8'], ['reserved', bytes(64)],
    ],
    RewardPool: [
        ['total_funded', 'u64'], ['total_fees', 'u64'], ['total_rewarded', 'u64'], ['total_slashed', 'u64'],
        ['alive_epoch', 'u64'], ['alive_bits', 'u64'], ['bump', 'u8'],
    ],
    Host: [
        ['operator', pubkey], ['owner', pubkey], ['peer_id', bytes(PEER_ID_LEN)], ['stake', 'u64'],
        ['status', defined('HostStatus')], ['spec_hash', bytes(32)], ['proven_epochs', 'u64'],
        ['last_proof_epoch', 'u64'], ['last_proof_at', 'i64'], ['earned', 'u64'], ['rewards_earned', 'u64'], ['payable', 'u64'],
        ['open_leases', 'u32'], ['registered_at', 'i64'], ['jailed_until', 'i64'], ['slash_base', 'u64'], ['bump', 'u8'],
        ['reserved', bytes(64)],
    ],
    Lease: [
        ['renter', pubkey], ['host', pubkey], ['delegate', pubkey], ['lease_id', 'u64'], ['rate', 'u64'], ['deposit', 'u64'],
        ['start', 'i64'], ['max_end', 'i64'], ['proven_until', 'i64'], ['proven_secs', 'u64'], ['settled_secs', 'u64'],
        ['paid', 'u64'], ['fee_bps', 'u16'], ['grace_epochs', 'u32'], ['terms_hash', bytes(32)], ['status', defined('LeaseStatus')], ['bump', 'u8'],
    ],
};
export const enums = {
    HostStatus: ['Registered', 'Active', 'Inactive', 'Jailed'],
    LeaseStatus: ['Open', 'Closed'],
    Proof: [['Receipt', [['until', 'i64']]], ['Attestation', [['epoch', 'u64']]]],
};
const config = { name: 'config', seeds: [{ const: 'config' }] };
const rewardPool = { name: 'reward_pool', writable: true, seeds: [{ const: 'reward_pool' }] };
const systemProgram = { name: 'system_program', address: SYSTEM_PROGRAM };
const instructionsSysvar = { name: 'instructions', address: INSTRUCTIONS_SYSVAR };
const hostOf = (signer) => ({ name: 'host', writable: true, seeds: [{ const: 'host' }, { account: signer }] });
const host = { name: 'host', writable: true };
const lease = { name: 'lease', writable: true };
const owner = { name: 'owner', writable: true, docs: "the host's payout address (host.owner)" };
const configArgs = [['fee_bps', 'u16'], ['min_host_stake', 'u64'], ['grace_epochs', 'u32'], ['slash_bps', 'u16'],
    ['reward_bps', 'u16'], ['epoch_reward', 'u64'], ['jail_secs', 'u64'], ['witnesses', { vec: pubkey }]];
export const instructions = [
    {
        name: 'initialize', docs: "Creates the config and the reward pool, once, signed by the program's upgrade authority (read from its ProgramData account).",
        accounts: [{ name: 'authority', writable: true, signer: true }, { ...config, writable: true }, rewardPool,
            { name: 'program_data', docs: "the program's ProgramData account (upgradeable loader)" }, systemProgram],
        args: [['proof_epoch_secs', 'u64'], ...configArgs],
    },
    {
        name: 'update_config', docs: 'The config authority changes fees, stake, grace, slash, rewards and jail time at once (open leases keep the fee and grace they opened under); a new witness set takes effect after (grace_epochs + 1) epochs.',
        accounts: [{ name: 'authority', signer: true }, { ...config, writable: true }],
        args: configArgs,
    },
    {
        name: 'fund_rewards', docs: 'Anyone adds lamports to the reward pool.',
        accounts: [{ name: 'funder', writable: true, signer: true }, config, rewardPool, systemProgram],
        args: [['amount', 'u64']],
    },
    {
        name: 'register_host', docs: "Creates the operator's host account (canonical bump: one per operator) and locks the stake in it; the owner must be a writable, non-executable address.",
        accounts: [{ name: 'operator', writable: true, signer: true }, owner, config, hostOf('operator'), systemProgram],
        args: [['peer_id', bytes(PEER_ID_LEN)], ['spec_hash', bytes(32)], ['stake', 'u64']],
    },
    {
        name: 'activate_host', docs: 'Registered or inactive -> active (stake at least the minimum).',
        accounts: [{ name: 'operator', signer: true }, config, hostOf('operator')], args: [],
    },
    {
        name: 'deactivate_host', docs: 'Active -> inactive: no new leases; open leases go on.',
        accounts: [{ name: 'operator', signer: true }, hostOf('operator')], args: [],
    },
    {
        name: 'open_lease', docs: "Locks rate x duration in a new lease bound to the terms the host operator signed (Ed25519 instruction just before this one); the lease address uses bump 255.",
        accounts: [{ name: 'renter', writable: true, signer: true }, config, host,
            { name: 'lease', writable: true, seeds: [{ const: 'lease' }, { account: 'renter' }, { arg: 'lease_id', type: 'u64' }] }, systemProgram, instructionsSysvar],
        args: [['lease_id', 'u64'], ['rate', 'u64'], ['duration_secs', 'u64'], ['quote_expires_at', 'i64'], ['delegate', pubkey], ['terms_hash', bytes(32)]],
    },
    {
        name: 'top_up_lease', docs: 'The renter adds rate x extra_secs and pushes max end.',
        accounts: [{ name: 'renter', writable: true, signer: true }, lease, systemProgram], args: [['extra_secs', 'u64']],
    },
    {
        name: 'post_proof', docs: "A receipt of the renter or its delegate, or a witness's attestation of this lease, verified through the Ed25519 instruction just before this one. The first attestation of an epoch credits the host one proven epoch and its reward.",
        accounts: [config, host, lease, rewardPool, instructionsSysvar], args: [['proof', defined('Proof')]],
    },
    {
        name: 'witness_heartbeat', docs: 'A witness signed that it was alive in an ended epoch: the evidence penalties need (anyone may post it).',
        accounts: [config, rewardPool, instructionsSysvar], args: [['epoch', 'u64']],
    },
    {
        name: 'settle_lease', docs: "Pays rate x newly proven seconds into the host account (payable to the owner), minus the lease's fee into the reward pool. Anyone may call.",
        accounts: [config, host, lease, rewardPool], args: [],
    },
    {
        name: 'close_lease', docs: 'Renter or host operator, any time: pays the proven part, refunds the rest, closes the lease; an operator closing a lease past its grace is penalized as penalize_host does.',
        accounts: [{ name: 'signer', signer: true }, { name: 'renter', writable: true }, config, host, lease, rewardPool], args: [],
    },
    {
        name: 'penalize_host', docs: 'Anyone, once more witness-alive epochs of the lease went unproven than its grace: refund to the renter, slash into the reward pool, host jailed.',
        accounts: [{ name: 'caller', signer: true }, { name: 'renter', writable: true }, config, host, lease, rewardPool], args: [],
    },
    {
        name: 'claim_rewards', docs: 'Pays what the host account holds for the owner (settled payments and rewards) to the owner; signed by the operator or the owner.',
        accounts: [{ name: 'signer', signer: true }, owner, host], args: [],
    },
    {
        name: 'withdraw_stake', docs: 'Returns the whole stake to the owner once no lease is open and the host is not active; a jailed host only after its jail time.',
        accounts: [{ name: 'operator', signer: true }, owner, hostOf('operator')], args: [],
    },
    {
        name: 'add_stake', docs: "The operator adds lamports to its host's stake (top up, or stake again after withdraw_stake); not while jailed.",
        accounts: [{ name: 'operator', writable: true, signer: true }, hostOf('operator'), systemProgram], args: [['amount', 'u64']],
    },
];
export const errors = [
    [6000, 'AlreadyInitialized', 'The account already exists (config, host or lease)'],
    [6001, 'InvalidArgument', 'An instruction argument is out of range'],
    [6002, 'InvalidPda', 'An account is not the expected program address'],
    [6003, 'MissingSigner', 'A required signature is missing'],
    [6004, 'NotWritable', 'An account that must be writable is not'],
    [6005, 'WrongAccountOwner', 'An account is not owned by the expected program'],
    [6006, 'InvalidDiscriminator', 'An account has the wrong type discriminator'],
    [6007, 'InvalidAccountData', 'An account has the wrong size or content'],
    [6008, 'InvalidInstructionData', 'The instruction data cannot be decoded'],
    [6009, 'UnknownInstruction', 'No instruction has this discriminator'],
    [6010, 'ArithmeticOverflow', 'An amount would overflow'],
    [6011, 'Unauthorized', 'The signer may not do this'],
    [6012, 'StakeTooLow', 'The stake is below the minimum host stake'],
    [6013, 'HostNotActive', 'The host is not active'],
    [6014, 'HostJailed', 'The host is jailed'],
    [6015, 'InvalidHostStatus', 'The host status does not allow this'],
    [6016, 'HostHasOpenLeases', 'The host still has open leases'],
    [6017, 'LeaseExpired', 'The lease has reached its max end'],
    [6018, 'LeaseHostMismatch', 'The lease belongs to another host'],
    [6019, 'WrongOwner', "The owner account is not the host's payout address"],
    [6020, 'WrongRenter', "The renter account is not the lease's renter"],
    [6021, 'ProofMissing', 'No Ed25519 instruction precedes this proof'],
    [6022, 'ProofInvalid', 'The signed proof does not match the lease, host or signer'],
    [6023, 'ProofStale', 'The proof is replayed or older than what is already proven'],
    [6024, 'ProofInFuture', 'The proof covers time that has not passed yet'],
    [6025, 'NotWitness', 'The attestation signer is not a configured witness'],
    [6026, 'WithinGrace', 'The host is still within its grace period'],
    [6027, 'NothingToClaim', 'There is nothing to claim'],
    [6028, 'InsufficientFunds', 'Not enough lamports for this'],
    [6029, 'TermsNotSigned', "The host operator's signature over the lease terms is missing or does not match"],
    [6030, 'QuoteExpired', 'The quote expired before the lease was opened'],
    [6031, 'StillJailed', "The host's jail time has not ended"],
    [6032, 'OwnerCannotReceive', 'The owner address cannot receive lamports (read-only or executable)'],
    [6033, 'NotUpgradeAuthority', "The signer is not the program's upgrade authority"],
];
//# sourceMappingURL=program-interface.js.map