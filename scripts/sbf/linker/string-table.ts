/** An ELF string table: a leading NUL, then each distinct name NUL-terminated, in the order given. */
export interface StringTable {
  bytes: Uint8Array;
  offsetOf(name: string): number;
}

export function buildStringTable(names: readonly string[]): StringTable {
  const encoder = new TextEncoder();
  const offsets = new Map<string, number>([['', 0]]);
  const parts: Uint8Array[] = [new Uint8Array(1)];
  let size = 1;
  for (const name of names) {
    if (offsets.has(name)) continue;
    const encoded = encoder.encode(`${name}\0`);
    offsets.set(name, size);
    parts.push(encoded);
    size += encoded.length;
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const part of parts) {
    bytes.set(part, at);
    at += part.length;
  }
  return {
    bytes,
    offsetOf(name) {
      const offset = offsets.get(name);
      if (offset === undefined) throw new Error(`string table has no entry ${name}`);
      return offset;
    },
  };
}
