/** `decloud wallet [--airdrop <sol>]`: the renter's address and balance (the wallet is created on first use). */
import { Connection } from '@solana/web3.js';
import type { PublicKey } from '@solana/web3.js';
import type { Command } from 'commander';
import { requestAirdrop } from '../renter/airdrop.js';
import { RenterError, messageOf } from '../renter/renter-error.js';
import { solAmount } from './argument-parsers.js';
import { fields, solText } from './format.js';
import { openSession } from './session.js';
import { step } from './spinner.js';

export function walletCommand(program: Command): void {
  program
    .command('wallet')
    .description('show the wallet\'s address and balance')
    .option('--airdrop <sol>', 'ask the chain for SOL first (local chain and devnet only)', solAmount)
    .action(async (options: { airdrop?: bigint }, command: Command) => {
      const { config, wallet } = await openSession(command);
      const connection = new Connection(config.rpcUrl, 'confirmed');
      const address = wallet.keypair.publicKey;
      if (options.airdrop !== undefined) {
        const amount = options.airdrop;
        await step(`asking ${config.rpcUrl} for an airdrop of ${solText(amount)}`, () => requestAirdrop(connection, address, amount), () => `received ${solText(amount)}`);
      }
      const balance = await step(`reading the balance on ${config.rpcUrl}`, () => balanceOf(connection, address, config.rpcUrl), () => 'balance read');
      process.stdout.write(`${fields([
        ['address', address.toBase58()],
        ['balance', solText(balance)],
        ['wallet file', config.walletFile],
        ['chain', config.rpcUrl],
      ])}\n`);
    });
}

async function balanceOf(connection: Connection, address: PublicKey, rpcUrl: string): Promise<bigint> {
  try {
    return BigInt(await connection.getBalance(address, 'confirmed'));
  } catch (err) {
    throw new RenterError('CHAIN_UNREACHABLE', `the RPC endpoint ${rpcUrl} does not answer (${messageOf(err)}): check --rpc-url (or DECLOUD_RPC_URL), or start a local chain with \`npx decloud-chain\``, { cause: err });
  }
}
