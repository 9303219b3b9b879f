/*
 * The echo load generator of `sockworks bench`: a closed loop over N
 * connections with D messages of S bytes in flight on each, on sockcore's
 * event loop. Every echoed byte is checked, every latency sample is kept
 * (percentiles are exact), and its own CPU time is reported.
 *
 * Like the core, it returns 0 or a negative errno, and never prints.
 */
#ifndef SOCKWORKS_LOADGEN_H
#define SOCKWORKS_LOADGEN_H

#include <stddef.h>
#include <stdint.h>

struct sockaddr;

typedef struct lg_config {
  /* Where the echo server listens (IPv4 or IPv6); length in bytes. */
  const struct sockaddr *address;
  unsigned address_length;
  unsigned connections; /* 1 .. LG_MAX_CONNECTIONS */
  unsigned size;        /* bytes per message, 1 .. LG_MAX_SIZE */
  unsigned depth;       /* messages in flight per connection, 1 .. LG_MAX_DEPTH */
  uint64_t connect_timeout_ns;
  uint64_t warmup_ns;   /* run, but do not measure, this long first */
  uint64_t duration_ns; /* then measure this long */
  /* Stop after this many measured requests (0: no limit), e.g. for a
   * profile of exactly K requests. */
  uint64_t request_limit;
  /* Called as the measured window opens (1) and closes (0), so that a
   * caller can sample the server over exactly that window. May be NULL. */
  void (*window)(void *context, int opened);
  void *window_context;
} lg_config;

#define LG_MAX_CONNECTIONS 100000u
#define LG_MAX_SIZE 65536u
#define LG_MAX_DEPTH 64u

typedef struct lg_result {
  uint64_t requests;   /* echoes completed within the measured window */
  uint64_t window_ns;  /* length of the measured window */
  /* Round-trip latency, from the send of a message to the arrival of its
   * last echoed byte, nearest-rank percentiles over every sample. */
  uint64_t p50_ns, p90_ns, p99_ns, max_ns;
  uint64_t corrupted;  /* messages whose echo differed from what was sent */
  uint64_t failed;     /* connections that broke (reset, closed) mid-run */
  uint64_t unserved;   /* connections never established, or never answered */
  uint64_t cpu_user_ns, cpu_system_ns; /* own CPU within the window */
} lg_result;

/* Runs the load; fills *result. -EINVAL for a bad config, -ENOMEM, or the
 * negative errno of a setup call (the loop, a socket). Connections that fail
 * are counted in the result, not returned as errors. */
int lg_run(const lg_config *config, lg_result *result);

/* The byte at `offset` of message `message` on connection `connection`:
 * every message differs, so a lost, repeated or reordered chunk shows. */
static inline uint8_t lg_pattern_byte(uint32_t connection, uint64_t message, uint32_t offset) {
  return (uint8_t)(connection * 131u + (uint32_t)message * 31u + offset * 7u + (offset >> 8));
}

/* Nearest-rank percentile `q` (0 < q <= 1) of `count` sorted samples. */
uint64_t lg_percentile(const uint64_t *sorted, size_t count, double q);

/* Sorts samples ascending (radix sort: the run's end should not wait on a
 * comparison sort of millions of samples). `scratch` holds `count` too. */
void lg_sort_samples(uint64_t *samples, uint64_t *scratch, size_t count);

/* The HTTP and datagram modes, declared beside: one header for Swift's module to import,
 * so that a build folder made before the mode existed picks it up. */
#include "loadgen_http.h"
#include "loadgen_udp.h"

#endif
