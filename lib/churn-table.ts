/**
 * A key → value table for entries that come and go all the time: calls in flight to a thread, jobs running, a host's
 * deliveries in flight.
 *
 * Not a Map, because of how V8 replaces a Map's table. A Map that grows, or fills up with deleted entries, gets a new
 * table, and V8 links the old table to the new one so that live iterators can follow. Under constant churn this
 * happens every few operations, so the tables form a chain from oldest to newest.
 *
 * Once one table in the chain has reached the old generation (it was current across two young-generation GCs, as
 * in any idle moment), it keeps every later table alive through young GCs, even after it is dead. Those tables keep
 * whatever their entries held: a thread call's callback holds its requests and their responses. So every young GC
 * copies and promotes nearly all of them, until the next full GC.
 *
 * Under bench:ingest this took the event loop's young GCs from ~1.5 ms to 10–15 ms, seven times a second. The heap
 * grew by 10 MB/s of such garbage, and throughput fell by a fifth.
 *
 * A plain object in dictionary mode also gets new tables as it grows, but never links the old ones to the new
 * (lib/churn-table.test.ts compares the two).
 */
export class ChurnTable<V> {
  private slots: Record<string, V> = Object.create(null) as Record<string, V>;
  private count = 0;

  get size(): number {
    return this.count;
  }

  get(key: string | number): V | undefined {
    return this.slots[key];
  }

  set(key: string | number, value: V): void {
    if (!(key in this.slots)) this.count++;
    this.slots[key] = value;
  }

  delete(key: string | number): boolean {
    if (!(key in this.slots)) return false;
    delete this.slots[key];
    this.count--;
    return true;
  }

  values(): V[] {
    return Object.values(this.slots);
  }

  clear(): void {
    this.slots = Object.create(null) as Record<string, V>;
    this.count = 0;
  }
}
