#include "loadgen.h"
#include "latency.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

uint64_t lg_percentile(const uint64_t *sorted, size_t count, double q) {
  if (count == 0)
    return 0;
  /* Nearest rank: the smallest sample with at least q of all at or below it. */
  double rank = ceil(q * (double)count);
  size_t index = rank < 1 ? 0 : (size_t)rank - 1;
  return sorted[index < count ? index : count - 1];
}

static int compare_samples(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return (x > y) - (x < y);
}

void lg_sort_samples(uint64_t *samples, uint64_t *scratch, size_t count) {
  size_t *counts = malloc(65536 * sizeof *counts);
  if (counts == NULL) {
    qsort(samples, count, sizeof *samples, compare_samples);
    return;
  }
  /* LSD radix sort, 16 bits a pass, skipping passes where every sample has
   * the same digit (latencies in ns rarely need more than 3 passes). */
  uint64_t *from = samples, *to = scratch;
  for (unsigned shift = 0; shift < 64; shift += 16) {
    memset(counts, 0, 65536 * sizeof *counts);
    for (size_t i = 0; i < count; i++)
      counts[(from[i] >> shift) & 0xffff]++;
    if (count > 0 && counts[(from[0] >> shift) & 0xffff] == count)
      continue;
    size_t total = 0;
    for (size_t digit = 0; digit < 65536; digit++) {
      size_t n = counts[digit];
      counts[digit] = total;
      total += n;
    }
    for (size_t i = 0; i < count; i++)
      to[counts[(from[i] >> shift) & 0xffff]++] = from[i];
    uint64_t *swap = from;
    from = to;
    to = swap;
  }
  if (from != samples)
    memcpy(samples, from, count * sizeof *samples);
  free(counts);
}

int lg__summarise_latency(uint64_t *samples, size_t count, uint64_t *p50, uint64_t *p90, uint64_t *p99,
                          uint64_t *max) {
  if (count == 0)
    return 0;
  uint64_t *scratch = malloc(count * sizeof *scratch);
  if (scratch == NULL)
    return -ENOMEM;
  lg_sort_samples(samples, scratch, count);
  free(scratch);
  *p50 = lg_percentile(samples, count, 0.50);
  *p90 = lg_percentile(samples, count, 0.90);
  *p99 = lg_percentile(samples, count, 0.99);
  *max = samples[count - 1];
  return 0;
}
