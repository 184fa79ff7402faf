/**
 * Where the CLI connects and which key it uses. Each setting comes from the first of:
 * a flag, an environment variable (DECLOUD_RPC_URL, DECLOUD_BOOTSTRAP as a comma list,
 * DECLOUD_WALLET), `~/.decloud/config.json`, the default.
 */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { CliError } from './cli-error.js';

export const DEFAULT_RPC_URL = 'http://127.0.0.1:8899';

/** The global flags, as commander parses them. */
export interface GlobalFlags {
  rpcUrl?: string;
  bootstrap?: string;
  wallet?: string;
}

export interface CliConfig {
  rpcUrl: string;
  bootstrap: string[];
  walletFile: string;
  /** The wallet file is the default one: it is created when missing. */
  defaultWallet: boolean;
  /** ~/.decloud: config.json, wallet.json, the last host list. */
  home: string;
}

const configFileSchema = z.strictObject({
  rpcUrl: z.string().optional(),
  bootstrap: z.union([z.array(z.string()), z.string()]).optional(),
  wallet: z.string().optional(),
});

export function decloudHome(): string {
  return join(homedir(), '.decloud');
}

export async function resolveCliConfig(flags: GlobalFlags, env: NodeJS.ProcessEnv = process.env, home = decloudHome()): Promise<CliConfig> {
  const file = await readConfigFile(join(home, 'config.json'));
  const set = (value: string | undefined): string | undefined => (value === undefined || value.trim() === '' ? undefined : value.trim());
  const rpcUrl = set(flags.rpcUrl) ?? set(env.DECLOUD_RPC_URL) ?? set(file.rpcUrl) ?? DEFAULT_RPC_URL;
  if (!URL.canParse(rpcUrl) || !/^https?:$/.test(new URL(rpcUrl).protocol)) {
    throw new CliError('BAD_CONFIG', `the RPC URL ${JSON.stringify(rpcUrl)} is not an http(s) URL: pass --rpc-url http://127.0.0.1:8899 (or set DECLOUD_RPC_URL)`);
  }
  const bootstrapText = set(flags.bootstrap) ?? set(env.DECLOUD_BOOTSTRAP);
  const bootstrap = bootstrapText !== undefined ? list(bootstrapText) : typeof file.bootstrap === 'string' ? list(file.bootstrap) : file.bootstrap ?? [];
  const walletFile = set(flags.wallet) ?? set(env.DECLOUD_WALLET) ?? set(file.wallet);
  return {
    rpcUrl,
    bootstrap,
    walletFile: walletFile === undefined ? join(home, 'wallet.json') : resolve(walletFile),
    defaultWallet: walletFile === undefined,
    home,
  };
}

/** Commands that talk to hosts need at least one bootstrap peer. */
export function requireBootstrap(config: CliConfig): string[] {
  if (config.bootstrap.length === 0) {
    throw new CliError('NO_BOOTSTRAP', `no bootstrap peer configured: pass --bootstrap <multiaddr>, set DECLOUD_BOOTSTRAP, or add "bootstrap": ["/ip4/.../tcp/.../p2p/..."] to ${join(config.home, 'config.json')}`);
  }
  return config.bootstrap;
}

function list(text: string): string[] {
  return text.split(',').map((item) => item.trim()).filter((item) => item.length > 0);
}

async function readConfigFile(file: string): Promise<z.infer<typeof configFileSchema>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new CliError('BAD_CONFIG', `cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new CliError('BAD_CONFIG', `${file} is not JSON (${(err as Error).message}): fix it or move it away`, { cause: err });
  }
  const parsed = configFileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new CliError('BAD_CONFIG', `${file}: ${issue.path.join('.') || 'the file'} ${issue.message}; it may hold rpcUrl (string), bootstrap (list of multiaddrs) and wallet (keypair file path)`);
  }
  return parsed.data;
}
