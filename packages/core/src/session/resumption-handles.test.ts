import { describe, expect, it } from 'vitest';
import { ResumptionHandles } from './resumption-handles.js';

const update = (newHandle: string) => ({ newHandle, resumable: true });

describe('ResumptionHandles: which calls a handle covers', () => {
  it('a call received after the stored handle is after its point; one received before is not', () => {
    const handles = new ResumptionHandles(false);
    handles.noteCall('a', 'watch', {});
    handles.take(update('h-1'), 'current', 0);
    handles.noteCall('b', 'watch', { x: 1 });
    expect(handles.isAfter('a', handles.point)).toBe(false);
    expect(handles.isAfter('b', handles.point)).toBe(true);
    expect(handles.takeAfter(handles.point)).toEqual([
      { callId: 'b', name: 'watch', args: { x: 1 }, seq: 2 },
    ]);
    expect(handles.takeAfter(handles.point)).toEqual([]); // taken once
  });

  it("a handle of the connection being left moves the point but keeps the older calls: a resumption under way may still use the previous handle's point", () => {
    const handles = new ResumptionHandles(false);
    handles.take(update('h-1'), 'current', -1);
    const first = handles.point;
    handles.noteCall('a', 'watch', {});
    handles.take(update('h-2'), 'leaving', 0);
    expect(handles.isAfter('a', handles.point)).toBe(false);
    expect(handles.isAfter('a', first)).toBe(true);
    handles.restore('h-1', -1, first); // the attempt under way, with h-1, succeeded
    expect(handles.takeAfter(handles.point).map((c) => c.callId)).toEqual(['a']);
  });

  it('a handle of the current connection forgets the calls before it; an unresumable update changes nothing', () => {
    const handles = new ResumptionHandles(false);
    handles.noteCall('a', 'watch', {});
    handles.take({ resumable: false }, 'current', 0);
    expect(handles.takeAfter(handles.point).map((c) => c.callId)).toEqual(['a']);
    handles.noteCall('b', 'watch', {});
    handles.take(update('h-1'), 'current', 0);
    expect(handles.takeAfter(0)).toEqual([]); // b was pruned: every later handle covers it
  });

  it('a handoff (no handle) forgets every call', () => {
    const handles = new ResumptionHandles(true);
    handles.noteCall('a', 'watch', {});
    handles.restore(undefined, -1);
    expect(handles.takeAfter(0)).toEqual([]);
    handles.noteCall('b', 'watch', {});
    expect(handles.isAfter('b', handles.point)).toBe(true);
  });
});
