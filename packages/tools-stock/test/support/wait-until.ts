/** How long a test waits for something before failing. */
const WAIT_TIMEOUT_MS = 3000;

/**
 * Something that can tell waiters "state changed, look again".
 */
export class ChangeNotifier {
  private readonly waiters = new Set<() => void>();

  /** Wakes every waiter. */
  notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  /**
   * Resolves with `probe()`'s first non-undefined result, checked now and after every `notify()`;
   * rejects after `timeoutMs` (default {@link WAIT_TIMEOUT_MS}) with `what` in the message.
   * Event-driven: no polling, no sleeping.
   */
  until<T>(probe: () => T | undefined, what: string, timeoutMs = WAIT_TIMEOUT_MS): Promise<T> {
    const now = probe();
    if (now !== undefined) return Promise.resolve(now);
    return new Promise<T>((resolve, reject) => {
      const check = (): void => {
        let value: T | undefined;
        try {
          value = probe();
        } catch (error) {
          this.waiters.delete(check);
          clearTimeout(timer);
          reject(error);
          return;
        }
        if (value === undefined) return;
        this.waiters.delete(check);
        clearTimeout(timer);
        resolve(value);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      this.waiters.add(check);
    });
  }
}
