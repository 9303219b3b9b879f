/*
 * One load-generator connection's byte accounting, apart from any socket so
 * that tests can drive it: which message bytes go out next, which echo bytes
 * are expected next, when each message was sent.
 */
#ifndef SOCKWORKS_LOADGEN_CONNECTION_H
#define SOCKWORKS_LOADGEN_CONNECTION_H

#include "loadgen.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct lg__stream {
  uint32_t index;        /* the connection's number, part of the pattern */
  uint32_t size;         /* bytes per message */
  uint64_t queued;       /* messages created so far (message numbers below) */
  uint64_t written;      /* message being written ... */
  uint32_t written_offset; /* ... and how much of it is out */
  uint64_t echoed;       /* message whose echo is arriving ... */
  uint32_t echoed_offset;  /* ... and how much of it came back */
  bool echo_corrupted;   /* a byte of the arriving echo was wrong */
  uint64_t sent_at[LG_MAX_DEPTH]; /* queue time of message m at [m % depth] */
  uint32_t depth;
} lg__stream;

void lg__stream_init(lg__stream *stream, uint32_t index, uint32_t size, uint32_t depth);

/* Creates the next message, sent at `now_ns`; false when `depth` messages are
 * already in flight. */
bool lg__stream_queue(lg__stream *stream, uint64_t now_ns);

/* Copies up to `capacity` bytes that are queued but not yet written into
 * `out`; returns how many. */
size_t lg__stream_pending(const lg__stream *stream, uint8_t *out, size_t capacity);

/* `count` of the pending bytes were written. */
void lg__stream_wrote(lg__stream *stream, size_t count);

/* What `lg__stream_received` saw. */
typedef struct lg__echo {
  uint32_t completed;   /* messages whose echo is now complete */
  uint32_t corrupted;   /* of those, how many differed from what was sent */
  bool overrun;         /* bytes arrived that were never sent */
} lg__echo;

/* Checks `count` echoed bytes against what was sent; for every message
 * completed calls `latency(context, now_ns - sent_at)`. */
lg__echo lg__stream_received(lg__stream *stream, const uint8_t *data, size_t count, uint64_t now_ns,
                             void (*latency)(void *context, uint64_t ns), void *context);

#endif
