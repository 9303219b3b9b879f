#include "connection.h"

#include <string.h>

void lg__stream_init(lg__stream *stream, uint32_t index, uint32_t size, uint32_t depth) {
  memset(stream, 0, sizeof *stream);
  stream->index = index;
  stream->size = size;
  stream->depth = depth;
}

bool lg__stream_queue(lg__stream *stream, uint64_t now_ns) {
  if (stream->queued - stream->echoed >= stream->depth)
    return false;
  stream->sent_at[stream->queued % stream->depth] = now_ns;
  stream->queued++;
  return true;
}

size_t lg__stream_pending(const lg__stream *stream, uint8_t *out, size_t capacity) {
  size_t filled = 0;
  uint64_t message = stream->written;
  uint32_t offset = stream->written_offset;
  while (filled < capacity && message < stream->queued) {
    out[filled++] = lg_pattern_byte(stream->index, message, offset);
    if (++offset == stream->size) {
      offset = 0;
      message++;
    }
  }
  return filled;
}

void lg__stream_wrote(lg__stream *stream, size_t count) {
  uint64_t bytes = stream->written_offset + (uint64_t)count;
  stream->written += bytes / stream->size;
  stream->written_offset = (uint32_t)(bytes % stream->size);
}

lg__echo lg__stream_received(lg__stream *stream, const uint8_t *data, size_t count, uint64_t now_ns,
                             void (*latency)(void *context, uint64_t ns), void *context) {
  lg__echo echo = {0, 0, false};
  for (size_t i = 0; i < count; i++) {
    /* An echo can only be of what was written. */
    if (stream->echoed > stream->written ||
        (stream->echoed == stream->written && stream->echoed_offset >= stream->written_offset)) {
      echo.overrun = true;
      return echo;
    }
    if (data[i] != lg_pattern_byte(stream->index, stream->echoed, stream->echoed_offset))
      stream->echo_corrupted = true;
    if (++stream->echoed_offset == stream->size) {
      uint64_t sent = stream->sent_at[stream->echoed % stream->depth];
      latency(context, now_ns > sent ? now_ns - sent : 0);
      echo.completed++;
      echo.corrupted += stream->echo_corrupted;
      stream->echo_corrupted = false;
      stream->echoed_offset = 0;
      stream->echoed++;
    }
  }
  return echo;
}
