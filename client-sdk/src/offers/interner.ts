/** Gives each distinct string a small integer id, so columns can hold strings as numbers. */
export class Interner {
  private readonly ids = new Map<string, number>();
  private readonly values: string[] = [];

  get size(): number {
    return this.values.length;
  }

  idOf(value: string): number {
    let id = this.ids.get(value);
    if (id === undefined) {
      id = this.values.length;
      this.ids.set(value, id);
      this.values.push(value);
    }
    return id;
  }

  /** The id of a string already seen, or -1. */
  find(value: string): number {
    return this.ids.get(value) ?? -1;
  }

  stringOf(id: number): string {
    return this.values[id]!;
  }
}
