#include "loadgen_http.h"

#include <string.h>

void lg_checksum_init(lg_checksum *sum) { memset(sum, 0, sizeof *sum); }

static inline void add_word(lg_checksum *sum, uint64_t word) {
  sum->a += word;
  sum->b += sum->a;
}

void lg_checksum_add(lg_checksum *sum, const uint8_t *data, size_t count) {
  sum->length += count;
  /* Finish the word an earlier piece began, so that words stay aligned to
   * the stream and not to the pieces it arrived in. */
  while (sum->pending_count > 0 && count > 0) {
    sum->pending |= (uint64_t)*data++ << (8 * sum->pending_count);
    count--;
    if (++sum->pending_count == 8) {
      add_word(sum, sum->pending);
      sum->pending = 0;
      sum->pending_count = 0;
    }
  }
  for (; count >= 8; data += 8, count -= 8) {
    uint64_t word = 0;
    for (unsigned i = 0; i < 8; i++)
      word |= (uint64_t)data[i] << (8 * i);
    add_word(sum, word);
  }
  for (; count > 0; count--)
    sum->pending |= (uint64_t)*data++ << (8 * sum->pending_count++);
}

uint64_t lg_checksum_value(const lg_checksum *sum) {
  lg_checksum last = *sum;
  if (last.pending_count > 0)
    add_word(&last, last.pending);
  return last.b * 0x9e3779b97f4a7c15u ^ last.a ^ last.length;
}
