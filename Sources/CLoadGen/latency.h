/* The latency figures every load of the generator reports, from its samples. */
#ifndef SOCKWORKS_LOADGEN_LATENCY_H
#define SOCKWORKS_LOADGEN_LATENCY_H

#include <stddef.h>
#include <stdint.h>

/* Sorts `samples` (ns) and writes their 50th, 90th and 99th percentiles
 * and maximum; nothing for no samples. 0, or -ENOMEM. */
int lg__summarise_latency(uint64_t *samples, size_t count, uint64_t *p50, uint64_t *p90, uint64_t *p99,
                          uint64_t *max);

#endif
