import { config, Subject } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { Broadcast } from './broadcast.js';

/** What a subscriber saw, in order. */
function recorder<T>() {
  const seen: string[] = [];
  return {
    seen,
    observer: {
      next: (v: T) => seen.push(`next ${String(v)}`),
      error: (e: unknown) => seen.push(`error ${String(e)}`),
      complete: () => seen.push('complete'),
    },
  };
}

afterEach(() => {
  config.onUnhandledError = null;
});

describe('Broadcast', () => {
  it('gives each value to every subscriber from the moment it subscribes, like a Subject', () => {
    for (const make of [() => new Broadcast<number>(), () => new SubjectAsBroadcast<number>()]) {
      const hub = make();
      const a = recorder<number>();
      const b = recorder<number>();
      hub.next(0);
      hub.observable.subscribe(a.observer);
      hub.next(1);
      const sub = hub.observable.subscribe(b.observer);
      hub.next(2);
      sub.unsubscribe();
      hub.next(3);
      hub.complete();
      hub.next(4);
      expect(a.seen).toEqual(['next 1', 'next 2', 'next 3', 'complete']);
      expect(b.seen).toEqual(['next 2']);
    }
  });

  it('completes a subscriber that comes after complete at once, and completes only once', () => {
    const hub = new Broadcast<number>();
    const early = recorder<number>();
    hub.observable.subscribe(early.observer);
    hub.complete();
    hub.complete();
    const late = recorder<number>();
    hub.observable.subscribe(late.observer);
    expect(early.seen).toEqual(['complete']);
    expect(late.seen).toEqual(['complete']);
    expect(hub.observed).toBe(false);
  });

  it('says whether anyone subscribes', () => {
    const hub = new Broadcast<number>();
    expect(hub.observed).toBe(false);
    const one = hub.observable.subscribe(() => {});
    const two = hub.observable.subscribe(() => {});
    expect(hub.observed).toBe(true);
    one.unsubscribe();
    expect(hub.observed).toBe(true);
    two.unsubscribe();
    expect(hub.observed).toBe(false);
  });

  it('walks the subscribers there were when a value began: one that leaves meanwhile gets nothing more, one that comes gets the next value', () => {
    const hub = new Broadcast<string>();
    const seen: string[] = [];
    let second: { unsubscribe(): void } | undefined;
    hub.observable.subscribe((v) => {
      seen.push(`first ${v}`);
      if (v === 'a') {
        second?.unsubscribe();
        hub.observable.subscribe((w) => seen.push(`third ${w}`));
      }
    });
    second = hub.observable.subscribe((v) => seen.push(`second ${v}`));
    hub.next('a');
    hub.next('b');
    expect(seen).toEqual(['first a', 'first b', 'third b']);
  });

  it('delivers a value published from inside a handler to everyone, in the order a Subject does', () => {
    const order = (hub: { observable: Broadcast<number>['observable']; next(v: number): void }) => {
      const seen: string[] = [];
      hub.observable.subscribe((v) => {
        seen.push(`x${v}`);
        if (v === 1) hub.next(2);
      });
      hub.observable.subscribe((v) => seen.push(`y${v}`));
      hub.next(1);
      return seen;
    };
    expect(order(new Broadcast<number>())).toEqual(order(new SubjectAsBroadcast<number>()));
    expect(order(new Broadcast<number>())).toEqual(['x1', 'x2', 'y2', 'y1']);
  });

  it('keeps giving values to the others when a handler throws; the error is reported as RxJS reports it', async () => {
    const reported: unknown[] = [];
    const bothReported = new Promise<void>((resolve) => {
      config.onUnhandledError = (error) => {
        reported.push(error);
        if (reported.length === 2) resolve();
      };
    });
    const hub = new Broadcast<number>();
    const seen: number[] = [];
    hub.observable.subscribe(() => {
      throw new Error('handler broke');
    });
    hub.observable.subscribe((v) => seen.push(v));
    hub.next(1);
    hub.next(2);
    expect(seen).toEqual([1, 2]);
    await bothReported;
    expect(reported.map((e) => (e as Error).message)).toEqual(['handler broke', 'handler broke']);
  });
});

/** A Subject with Broadcast's shape: the behaviour Broadcast must match. */
class SubjectAsBroadcast<T> {
  readonly #subject = new Subject<T>();
  readonly observable = this.#subject.asObservable();
  next(value: T): void {
    this.#subject.next(value);
  }
  complete(): void {
    this.#subject.complete();
  }
}
