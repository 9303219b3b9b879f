/*
 * The HTTP mode of the load generator: a closed loop of GET requests for
 * one file over N connections, one request in flight on each, either kept
 * alive (RFC 9112 section 9.3) or a new connection per request. Every
 * response is checked: status 200, a Content-Length equal to the file's
 * length, and the body against the file, byte for byte or (for a large
 * file) by length and checksum.
 *
 * Like the echo mode, it returns 0 or a negative errno, and never prints.
 */
#ifndef SOCKWORKS_LOADGEN_HTTP_H
#define SOCKWORKS_LOADGEN_HTTP_H

#include <stddef.h>
#include <stdint.h>

struct sockaddr;

typedef struct lg_http_config {
  /* Where the web server listens (IPv4 or IPv6); length in bytes. */
  const struct sockaddr *address;
  unsigned address_length;
  unsigned connections; /* 1 .. LG_MAX_CONNECTIONS */
  /* The Host field's value, and the request target in origin form ("/a"):
   * printable ASCII without spaces. */
  const char *host;
  const char *path;
  /* The file's content: what every body must be. The caller keeps it alive
   * for the run. */
  const uint8_t *body;
  size_t body_length;
  /* Check bodies by length and lg_checksum instead of byte for byte (a large
   * file: the check then costs less than receiving it). */
  int checksum_only;
  /* A new connection per request, sent with `Connection: close` and read
   * to the server's close (RFC 9112 section 9.6), instead of keep-alive. */
  int connection_per_request;
  uint64_t connect_timeout_ns;
  uint64_t warmup_ns;   /* run, but do not measure, this long first */
  uint64_t duration_ns; /* then measure this long */
  uint64_t request_limit; /* stop after this many measured responses (0: none) */
  /* Called as the measured window opens (1) and closes (0). May be NULL. */
  void (*window)(void *context, int opened);
  void *window_context;
} lg_http_config;

typedef struct lg_http_result {
  uint64_t requests;  /* complete responses within the measured window */
  uint64_t window_ns; /* length of the measured window */
  /* From the request's first byte sent (with a connection per request: from
   * the connect) to the response's last byte, nearest-rank percentiles. */
  uint64_t p50_ns, p90_ns, p99_ns, max_ns;
  /* Responses with a wrong body or a wrong or malformed Content-Length, or
   * bytes beyond the response. */
  uint64_t corrupted;
  /* Responses that were not a 200 with Content-Length (an error status, a
   * chunked body), or connections closed or reset mid-response. */
  uint64_t failed;
  uint64_t unserved;   /* connections that never got one complete response */
  uint64_t body_bytes; /* body bytes received within the window */
  uint64_t cpu_user_ns, cpu_system_ns; /* own CPU within the window */
} lg_http_result;

/* Runs the load; fills *result. -EINVAL for a bad config, -ENOMEM, or the
 * negative errno of a setup call. A connection that fails or receives a
 * response with broken framing is counted and closed; with a connection
 * per request, a connection closed after a whole response is opened again. */
int lg_http_run(const lg_http_config *config, lg_http_result *result);

/* A cheap, order-sensitive checksum of a byte stream that can arrive in
 * pieces of any size: Fletcher's two running sums over 64-bit words. */
typedef struct lg_checksum {
  uint64_t a, b;
  uint64_t pending; /* the bytes of an unfinished word */
  unsigned pending_count;
  uint64_t length;
} lg_checksum;

void lg_checksum_init(lg_checksum *sum);
void lg_checksum_add(lg_checksum *sum, const uint8_t *data, size_t count);
uint64_t lg_checksum_value(const lg_checksum *sum);

#endif
