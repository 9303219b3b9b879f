/*
 * What every fuzz target shares: the libFuzzer entry point's prototype, an
 * invariant check that aborts (so libFuzzer reports the input), and a copy
 * of the input into a heap buffer of exactly its size, so that AddressSanitizer
 * catches a read one byte past the end (libFuzzer's own buffer may be larger).
 */
#ifndef SC_FUZZ_COMMON_H
#define SC_FUZZ_COMMON_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sockcore.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                            \
  do {                                                                         \
    if (!(cond))                                                               \
      abort();                                                                 \
  } while (0)

/* The input in a buffer of exactly `size` bytes (calloc'd, so gcc sees it
 * initialized even for size 0); NULL when memory runs out. Free it. */
static inline uint8_t *fuzz_copy_input(const uint8_t *data, size_t size) {
  uint8_t *p = calloc(size ? size : 1, 1);
  if (p != NULL && size)
    memcpy(p, data, size);
  return p;
}

#endif
