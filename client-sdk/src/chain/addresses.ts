/** The program's id and its program-derived addresses (seeds as in program-interface). */
import { PublicKey } from '@solana/web3.js';
import { IDL } from './idl.js';

export const PROGRAM_ID = new PublicKey(IDL.address);
/** The upgradeable BPF loader: it owns the program's ProgramData account. */
export const UPGRADEABLE_LOADER_ID = new PublicKey('BPFLoaderUpgradeab1e11111111111111111111111');
/** The only bump a lease address is derived with (open_lease refuses any other). */
export const LEASE_BUMP = 255;

const pda = (seeds: (Uint8Array | Buffer)[], programId: PublicKey) => PublicKey.findProgramAddressSync(seeds, programId)[0];
const u64le = (n: bigint) => { const b = Buffer.alloc(8); b.writeBigUInt64LE(n); return b; };

export const configAddress = (programId = PROGRAM_ID) => pda([Buffer.from('config')], programId);
export const rewardPoolAddress = (programId = PROGRAM_ID) => pda([Buffer.from('reward_pool')], programId);
/** The operator's host account (canonical bump: one per operator). */
export const hostAddress = (operator: PublicKey, programId = PROGRAM_ID) => pda([Buffer.from('host'), operator.toBuffer()], programId);
/** The program's ProgramData account, which holds its upgrade authority (initialize checks it). */
export const programDataAddress = (programId = PROGRAM_ID) => pda([programId.toBuffer()], UPGRADEABLE_LOADER_ID);

/** The lease's address with bump 255, or null when that address is on the curve. */
function leaseAddressOrNull(renter: PublicKey, leaseId: bigint, programId: PublicKey): PublicKey | null {
  const seeds = [Buffer.from('lease'), renter.toBuffer(), u64le(leaseId), Buffer.of(LEASE_BUMP)];
  try {
    return PublicKey.createProgramAddressSync(seeds, programId);
  } catch {
    return null;
  }
}

/** A lease's address; throws for an id whose bump-255 address is on the curve (the program refuses it: draw one with newLeaseId). */
export function leaseAddress(renter: PublicKey, leaseId: bigint, programId = PROGRAM_ID): PublicKey {
  const address = leaseAddressOrNull(renter, leaseId, programId);
  if (!address) throw new RangeError(`lease id ${leaseId} has no address with bump ${LEASE_BUMP} for renter ${renter.toBase58()}: pick the id with newLeaseId`);
  return address;
}

/** A random lease id whose address exists with bump 255 (about one id in two has one). */
export function newLeaseId(renter: PublicKey, programId = PROGRAM_ID): bigint {
  for (;;) {
    const id = new DataView(crypto.getRandomValues(new Uint8Array(8)).buffer).getBigUint64(0, true);
    if (leaseAddressOrNull(renter, id, programId)) return id;
  }
}
