/**
 * The simulation's agenda: events ordered by (virtual time, sequence number).
 *
 * @module
 */

/**
 * A four-ary min-heap of events: the earliest time first and, at equal times, the one
 * scheduled first; before them all, the follow-ups of the current moment. Nothing else decides
 * the order, so a run replays exactly. Four children a node: a busy room keeps some 10,000
 * events waiting, and a shallower heap moves fewer of them per pop. The heap keeps
 * times, sequence numbers and callbacks in three parallel arrays, so scheduling allocates
 * nothing per event.
 *
 * @example
 * ```ts
 * import { EventQueue } from "./event_queue.ts";
 * const queue = new EventQueue();
 * const order: string[] = [];
 * queue.push(20, () => order.push("late"));
 * queue.push(10, () => order.push("first"));
 * queue.push(10, () => order.push("second"));
 * queue.push(10, () => queue.pushFirst(() => order.push("follow-up")));
 * for (let run = queue.pop(); run; run = queue.pop()) run();
 * // order is ["first", "second", "follow-up", "late"]
 * ```
 */
export class EventQueue {
  // Typed arrays with a capacity of their own: a heap that grows and shrinks by thousands
  // of events per moment then neither reallocates nor gives the collector arrays to copy.
  #times = new Float64Array(64);
  #sequences = new Float64Array(64);
  #runs: (() => void)[] = Array.from({ length: 64 }, () => NOTHING);
  #size = 0;
  #sequence = 0;
  #poppedTime = 0;
  /** Events at the current time that go before all others, first in first out. */
  readonly #first: (() => void)[] = [];
  #firstHead = 0;
  #firstEnd = 0;
  /** Sequence numbers of cancelled events still in the heap: skipped when they come up. */
  readonly #cancelled = new Set<number>();

  /** How many events wait. */
  get size(): number {
    return this.#size - this.#cancelled.size + this.#firstEnd - this.#firstHead;
  }

  /** The time of the event last popped. */
  get poppedTime(): number {
    return this.#poppedTime;
  }

  /** The time of the next event, or Infinity when none is left. */
  get nextTime(): number {
    if (this.#firstHead < this.#firstEnd) return this.#poppedTime;
    this.#skipCancelled();
    return this.#size === 0 ? Infinity : this.#times[0];
  }

  /**
   * Schedules `run` at the time of the event last popped, ahead of every other event (the
   * follow-ups of one moment, in the order they were asked for).
   */
  pushFirst(run: () => void): void {
    this.#first[this.#firstEnd++] = run;
  }

  /** Schedules `run` at `time`; returns a handle for {@linkcode EventQueue.cancel}. */
  push(time: number, run: () => void): number {
    const sequence = this.#sequence++;
    if (this.#size === this.#times.length) this.#grow();
    let at = this.#size++;
    while (at > 0) {
      const parent = (at - 1) >> 2;
      if (this.#before(parent, time, sequence)) break;
      this.#move(parent, at);
      at = parent;
    }
    this.#place(at, time, sequence, run);
    return sequence;
  }

  /**
   * Cancels an event that has not run yet: it will neither run nor move the time (a
   * cancelled timer must not stretch a run).
   */
  cancel(handle: number): void {
    this.#cancelled.add(handle);
  }

  /** Takes the next event's callback (its time becomes {@linkcode poppedTime}), or undefined. */
  pop(): (() => void) | undefined {
    if (this.#firstHead < this.#firstEnd) {
      const next = this.#first[this.#firstHead];
      this.#first[this.#firstHead++] = NOTHING;
      // Emptied: the array is reused from its start.
      if (this.#firstHead === this.#firstEnd) this.#firstHead = this.#firstEnd = 0;
      return next;
    }
    this.#skipCancelled();
    return this.#popHeap();
  }

  #skipCancelled(): void {
    while (
      this.#cancelled.size > 0 && this.#size > 0 &&
      this.#cancelled.delete(this.#sequences[0])
    ) {
      const time = this.#poppedTime;
      this.#popHeap();
      this.#poppedTime = time;
    }
  }

  #popHeap(): (() => void) | undefined {
    const times = this.#times, sequences = this.#sequences, runs = this.#runs;
    if (this.#size === 0) return undefined;
    const first = runs[0];
    this.#poppedTime = times[0];
    const size = --this.#size;
    const time = times[size], sequence = sequences[size], run = runs[size];
    runs[size] = NOTHING;
    if (size === 0) {
      runs[0] = NOTHING;
      return first;
    }
    let at = 0;
    for (;;) {
      const first = 4 * at + 1;
      if (first >= size) break;
      let child = first;
      const last = Math.min(first + 4, size);
      for (let other = first + 1; other < last; other++) {
        if (this.#before(other, times[child], sequences[child])) child = other;
      }
      if (!this.#before(child, time, sequence)) break;
      this.#move(child, at);
      at = child;
    }
    this.#place(at, time, sequence, run);
    return first;
  }

  /** Whether the event at `slot` goes before one at (`time`, `sequence`). */
  #before(slot: number, time: number, sequence: number): boolean {
    const other = this.#times[slot];
    return other < time || (other === time && this.#sequences[slot] < sequence);
  }

  #move(from: number, to: number): void {
    this.#times[to] = this.#times[from];
    this.#sequences[to] = this.#sequences[from];
    this.#runs[to] = this.#runs[from];
  }

  #grow(): void {
    const capacity = 2 * this.#times.length;
    const times = new Float64Array(capacity), sequences = new Float64Array(capacity);
    times.set(this.#times);
    sequences.set(this.#sequences);
    this.#times = times;
    this.#sequences = sequences;
    const runs = this.#runs;
    for (let k = runs.length; k < capacity; k++) runs.push(NOTHING);
  }

  #place(slot: number, time: number, sequence: number, run: () => void): void {
    this.#times[slot] = time;
    this.#sequences[slot] = sequence;
    this.#runs[slot] = run;
  }
}

const NOTHING = () => {};
