/**
 * Splits templates into batches, one cfn-lint process each. cfn-lint spends ~1.5–2 s starting up
 * and then time that depends on each template, so batches are balanced by each template's weight:
 * its measured time on earlier runs (costs.ts), else its size; heaviest template first, each into the
 * lightest batch so far.
 */

export interface Batch<T> {
  items: T[];
  /** The sum of the items' weights. */
  weight: number;
}

/**
 * At most `concurrency` batches and never more than there are items; no batch is empty. Ties go
 * to the earlier batch and items of equal weight keep their input order, so plans are deterministic.
 */
export function planBatches<T>(
  items: readonly T[],
  weightOf: (item: T) => number,
  concurrency: number,
): Batch<T>[] {
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`cfn-lint concurrency must be a whole number of at least 1, not ${concurrency}`);
  }
  const count = Math.min(concurrency, items.length);
  const batches: Batch<T>[] = Array.from({ length: count }, () => ({ items: [], weight: 0 }));
  const byWeight = items
    .map((item, index) => ({ item, index, weight: Math.max(0, weightOf(item)) }))
    .sort((a, b) => b.weight - a.weight || a.index - b.index);
  for (const { item, weight } of byWeight) {
    let lightest = batches[0]!;
    for (const batch of batches) if (batch.weight < lightest.weight) lightest = batch;
    lightest.items.push(item);
    lightest.weight += weight;
  }
  return batches;
}
