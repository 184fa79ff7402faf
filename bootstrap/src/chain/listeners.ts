/** The callbacks registered for one kind of event. */
export class Listeners<Event> {
  private readonly listeners = new Set<(event: Event) => void>();

  /** Returns the function that removes the listener again. */
  add(listener: (event: Event) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: Event): void {
    for (const listener of this.listeners) listener(event);
  }
}
