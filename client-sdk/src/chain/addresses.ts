/** The program's id and its program-derived addresses (seeds as in program-interface). */
import { PublicKey } from '@solana/web3.js';
import { IDL } from './idl.js';

export const PROGRAM_ID = new PublicKey(IDL.address);

const pda = (seeds: (Uint8Array | Buffer)[], programId: PublicKey) => PublicKey.findProgramAddressSync(seeds, programId)[0];
const u64le = (n: bigint) => { const b = Buffer.alloc(8); b.writeBigUInt64LE(n); return b; };

export const configAddress = (programId = PROGRAM_ID) => pda([Buffer.from('config')], programId);
export const rewardPoolAddress = (programId = PROGRAM_ID) => pda([Buffer.from('reward_pool')], programId);
export const hostAddress = (operator: PublicKey, programId = PROGRAM_ID) => hostAddressAndBump(operator, programId)[0];
/** A host's address and its bump, which register_host takes as an argument. */
export const hostAddressAndBump = (operator: PublicKey, programId = PROGRAM_ID): [PublicKey, number] =>
  PublicKey.findProgramAddressSync([Buffer.from('host'), operator.toBuffer()], programId);
const leaseSeeds = (renter: PublicKey, leaseId: bigint) => [Buffer.from('lease'), renter.toBuffer(), u64le(leaseId)];
export const leaseAddress = (renter: PublicKey, leaseId: bigint, programId = PROGRAM_ID) => pda(leaseSeeds(renter, leaseId), programId);
/** A lease's address and its bump, which open_lease takes as an argument (checking one address costs less than searching). */
export const leaseAddressAndBump = (renter: PublicKey, leaseId: bigint, programId = PROGRAM_ID): [PublicKey, number] =>
  PublicKey.findProgramAddressSync(leaseSeeds(renter, leaseId), programId);
