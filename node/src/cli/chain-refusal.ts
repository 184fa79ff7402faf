/**
 * The program's refusals of the operator commands, as CliErrors that name the cause and
 * the fix. Anything else is rethrown as it is (its message already names the program error).
 */
import { DecloudProgramError } from '@decloud/sdk/chain/index';
import type { HostAccount } from '@decloud/sdk/chain/index';
import { CliError } from './cli-error.js';
import { jailText } from './format.js';

export function chainRefusal(err: unknown, host: HostAccount | null): CliError | undefined {
  if (!(err instanceof DecloudProgramError)) return undefined;
  const options = { cause: err };
  const owner = host?.owner.toBase58() ?? 'the owner';
  switch (err.errorName) {
    case 'StillJailed':
      return new CliError('STILL_JAILED', `the host is jailed until ${host ? jailText(host.jailedUntil) : 'its jail time ends'}: its stake stays locked until then (penalized for missing uptime proofs); run the command again after that time`, options);
    case 'HostJailed':
      return new CliError('HOST_JAILED', `the host is jailed (penalized for missing uptime proofs)${host ? ` until ${jailText(host.jailedUntil)}` : ''} and may not do this: once the jail time is over, decloud-node withdraw returns what is left of the stake`, options);
    case 'HostHasOpenLeases':
      return new CliError('OPEN_LEASES', `${host?.openLeases ?? 'some'} leases are still open: decloud-node deactivate stops new ones; withdraw once they have ended`, options);
    case 'InvalidHostStatus':
      return new CliError('NOT_ACTIVE', 'the host is active: stop the node and run decloud-node deactivate first', options);
    case 'NothingToClaim':
      return new CliError('NOTHING_TO_CLAIM', 'the host account holds nothing to pay out (or the stake was withdrawn already)', options);
    case 'OwnerCannotReceive':
      return new CliError('OWNER_CANNOT_RECEIVE', `the owner ${owner} cannot receive lamports (a program or a sysvar, read-only to the transaction): a host registered with it cannot be paid; register a new host with a wallet as owner (decloud-node init --owner <pubkey> --force with a new operator key)`, options);
    case 'WrongOwner':
      return new CliError('WRONG_OWNER', `the owner account sent is not the host's payout address ${owner}: the chain changed under the command; run it again`, options);
    case 'StakeTooLow':
      return new CliError('STAKE_TOO_LOW', 'the stake is below the program\'s minimum host stake: decloud-node add-stake <SOL> tops it up', options);
    case 'InsufficientFunds':
      return new CliError('INSUFFICIENT_SOL', 'an account lacks the lamports for this (the operator pays the fees): send SOL to the operator key and run the command again', options);
    case 'Unauthorized':
      return new CliError('UNAUTHORIZED', 'the program refused the operator key for this: run the command with the data folder (--data) of the node that registered the host', options);
    default:
      return undefined;
  }
}
