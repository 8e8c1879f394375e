/**
 * Splits templates into batches, one cfn-lint process each. cfn-lint spends ~1.5–2 s starting up
 * and then time roughly proportional to the template's size, so batches are balanced by byte size:
 * largest template first, each into the batch with the fewest bytes so far.
 */

export interface Batch<T> {
  items: T[];
  bytes: number;
}

/**
 * At most `concurrency` batches and never more than there are items; no batch is empty. Ties go
 * to the earlier batch and items of equal size keep their input order, so plans are deterministic.
 */
export function planBatches<T>(
  items: readonly T[],
  sizeOf: (item: T) => number,
  concurrency: number,
): Batch<T>[] {
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`cfn-lint concurrency must be a whole number of at least 1, not ${concurrency}`);
  }
  const count = Math.min(concurrency, items.length);
  const batches: Batch<T>[] = Array.from({ length: count }, () => ({ items: [], bytes: 0 }));
  const bySize = items
    .map((item, index) => ({ item, index, size: Math.max(0, sizeOf(item)) }))
    .sort((a, b) => b.size - a.size || a.index - b.index);
  for (const { item, size } of bySize) {
    let lightest = batches[0]!;
    for (const batch of batches) if (batch.bytes < lightest.bytes) lightest = batch;
    lightest.items.push(item);
    lightest.bytes += size;
  }
  return batches;
}
