/*
 * The datagram mode of the load generator: a closed loop of UDP datagrams
 * over a few sockets, D in flight on each. Every datagram carries its
 * socket, its slot and a sequence number, then a pattern; every reply is
 * checked (length and content). A datagram unanswered within the timeout
 * is counted lost and its slot sends a new one; a reply to a datagram
 * already counted lost, a duplicate or an unknown reply is counted stray.
 *
 * Like the other modes, it returns 0 or a negative errno, and never prints.
 */
#ifndef SOCKWORKS_LOADGEN_UDP_H
#define SOCKWORKS_LOADGEN_UDP_H

#include <stdint.h>

struct sockaddr;

/* The header each datagram starts with: socket (4 bytes), slot (4 bytes),
 * sequence (8 bytes), in host order (the generator reads its own bytes). */
#define LG_UDP_HEADER 16u
#define LG_UDP_MAX_SOCKETS 64u
#define LG_UDP_MAX_SIZE 65507u /* the largest UDP payload over IPv4 */

typedef struct lg_udp_config {
  /* Where the datagram echo server listens (IPv4 or IPv6); length in bytes. */
  const struct sockaddr *address;
  unsigned address_length;
  unsigned sockets; /* 1 .. LG_UDP_MAX_SOCKETS */
  unsigned size;    /* bytes per datagram, LG_UDP_HEADER .. LG_UDP_MAX_SIZE */
  unsigned depth;   /* datagrams in flight per socket, 1 .. LG_MAX_DEPTH */
  uint64_t timeout_ns;  /* a datagram unanswered this long is lost (> 0) */
  uint64_t warmup_ns;   /* run, but do not measure, this long first */
  uint64_t duration_ns; /* then measure this long */
  uint64_t request_limit; /* stop after this many measured replies (0: none) */
  /* Nonzero: each socket batches as a QUIC client does. It receives with
   * UDP_GRO, so that replies the server sent as one segmented message come
   * as one buffer and are cut into datagrams here (otherwise the kernel cuts
   * them on delivery), and it sends the datagrams that refill the slots
   * answered in one wake-up together, as segmented messages (UDP_SEGMENT).
   * Every datagram is still checked and timed on its own. */
  int batched;
  /* Called as the measured window opens (1) and closes (0). May be NULL. */
  void (*window)(void *context, int opened);
  void *window_context;
} lg_udp_config;

typedef struct lg_udp_result {
  uint64_t requests;  /* datagrams answered correctly within the window */
  uint64_t window_ns; /* length of the measured window */
  /* From a datagram's send to its reply, nearest-rank percentiles. */
  uint64_t p50_ns, p90_ns, p99_ns, max_ns;
  uint64_t corrupted; /* replies to a datagram in flight with a wrong length or content */
  uint64_t lost;      /* datagrams unanswered within the timeout */
  uint64_t stray;     /* late, duplicate or unknown replies */
  uint64_t receives;  /* receive calls that returned a buffer, within the window */
  uint64_t cpu_user_ns, cpu_system_ns; /* own CPU within the window */
} lg_udp_result;

/* Runs the load; fills *result. -EINVAL for a bad config, -ENOMEM, or the
 * negative errno of a setup call (the loop, a socket, its connect). */
int lg_udp_run(const lg_udp_config *config, lg_udp_result *result);

#endif
