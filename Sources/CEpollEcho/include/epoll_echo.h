/*
 * The `epoll-c` server model: an echo server written in C on sockcore's
 * event loop, the reference that the Swift models are measured against.
 * One server per loop and thread; `--workers N` runs N of them, each on its
 * own SO_REUSEPORT listener.
 *
 * Returns 0 or a negative errno; never prints.
 */
#ifndef SOCKWORKS_EPOLL_ECHO_H
#define SOCKWORKS_EPOLL_ECHO_H

#include <stdint.h>

typedef struct ee_server ee_server;

typedef struct ee_counters {
  uint64_t accepted;
  uint64_t shed;          /* closed at once because the process was out of descriptors */
  uint64_t accept_errors; /* other failed accepts */
  int last_accept_error;  /* its errno, 0 for none */
  uint64_t open;          /* connections open now */
} ee_counters;

/* A server on `listener` (a listening socket; made non-blocking here, and
 * never closed here). 0, -ENOMEM, or a loop setup error. */
int ee_server_new(int listener, ee_server **out);

/* Serves until ee_server_stop and then until every connection is gone. */
int ee_server_run(ee_server *server);

/* From any thread: stop accepting (the listener is unwatched, not closed);
 * open connections go on until their clients are done. */
void ee_server_stop(ee_server *server);

/* From any thread: close every open connection now (after a grace period). */
void ee_server_abort(ee_server *server);

/* A snapshot of the counters (from any thread). */
ee_counters ee_server_counters(ee_server *server);

/* Frees a server whose run has returned. */
void ee_server_free(ee_server *server);

#endif
