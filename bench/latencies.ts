/**
 * Latencies of one load run, every one kept (a growing Float64Array: a few hundred thousand values at most, no
 * garbage per sample), percentiles exact over the sorted values.
 */
export class Latencies {
  private values = new Float64Array(1 << 14);
  private count = 0;
  private sorted = true;

  record(ms: number): void {
    if (this.count === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.count] = ms;
    this.count += 1;
    this.sorted = false;
  }

  get size(): number {
    return this.count;
  }

  /** The `p`th percentile in ms, to 0.01 ms (the smallest value at or above p % of all); 0 when empty. */
  percentile(p: number): number {
    if (this.count === 0) return 0;
    if (!this.sorted) {
      this.values.subarray(0, this.count).sort();
      this.sorted = true;
    }
    const index = Math.min(this.count - 1, Math.max(0, Math.ceil((p / 100) * this.count) - 1));
    return Math.round((this.values[index] ?? 0) * 100) / 100;
  }
}
