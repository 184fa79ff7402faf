import type { Gpu } from './capacity.js';

/** The fields of a systeminformation graphics controller this module reads. */
export interface GraphicsController {
  vendor?: string;
  model?: string;
  vram?: number | null;
}

// Virtual display adapters (VGA emulation, BMC chips) have little or no memory of their own
// and no compute value: a GPU below this much memory is not sold.
const MIN_GPU_MEMORY_MIB = 1024;

/** Sellable GPUs, grouped by model and memory, in a stable order. */
export function gpusFromControllers(controllers: readonly GraphicsController[]): Gpu[] {
  const groups = new Map<string, Gpu>();
  for (const c of controllers) {
    const memoryMiB = Math.floor(c.vram ?? 0);
    const model = gpuModelName(c);
    if (!model || memoryMiB < MIN_GPU_MEMORY_MIB) continue;
    const key = `${model}\u0000${memoryMiB}`;
    const group = groups.get(key);
    if (group) group.count += 1;
    else groups.set(key, { model, memoryMiB, count: 1 });
  }
  return [...groups.values()].sort((a, b) => a.model.localeCompare(b.model) || a.memoryMiB - b.memoryMiB);
}

// systeminformation reports PCI vendor names ("NVIDIA Corporation", "Advanced Micro
// Devices, Inc. [AMD/ATI]"); offers name the brand renters search for.
const BRANDS: ReadonlyArray<[RegExp, string]> = [
  [/nvidia/i, 'NVIDIA'],
  [/advanced micro devices|\bamd\b|\bati\b/i, 'AMD'],
  [/intel/i, 'Intel'],
  [/apple/i, 'Apple'],
];

function gpuModelName(c: GraphicsController): string {
  const model = (c.model ?? '').trim();
  if (!model) return '';
  const vendor = c.vendor ?? '';
  const brand = BRANDS.find(([pattern]) => pattern.test(vendor))?.[1] ?? vendor.trim().split(/\s+/)[0] ?? '';
  return brand && !model.toLowerCase().startsWith(brand.toLowerCase()) ? `${brand} ${model}` : model;
}
