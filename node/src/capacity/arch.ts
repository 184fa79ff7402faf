import type { CpuArch } from './capacity.js';
import { CapacityError } from './errors.js';

const NODE_ARCH_NAMES: Readonly<Record<string, CpuArch>> = { x64: 'x86_64', arm64: 'arm64' };

/** Maps Node's `process.arch` to the architecture name offers use. */
export function cpuArchOf(nodeArch: string): CpuArch {
  const arch = NODE_ARCH_NAMES[nodeArch];
  if (!arch) {
    throw new CapacityError('UNSUPPORTED_ARCH', `architecture "${nodeArch}" is not sold on DeCloud: run the node on an x86_64 or arm64 machine`);
  }
  return arch;
}
