/*
 * The `epoll-c` server model: an echo server (RFC 862) written in C on
 * sockcore's event loop, the reference that the Swift models are measured
 * against. One server per loop and thread; `--workers N` runs N of them,
 * each on its own SO_REUSEPORT listener.
 *
 * Per connection: non-blocking, level-triggered; what the peer does not
 * take at once is queued (the only per-connection buffer, freed once sent)
 * with EPOLLOUT armed and reading paused until it is sent. Peer resets and
 * EPIPE close that connection only (MSG_NOSIGNAL: no SIGPIPE). Out of
 * descriptors, waiting connections are shed with sc_accept's reserve
 * descriptor; out of memory (or of descriptors with no reserve), accepting
 * pauses for 100 ms instead of spinning.
 *
 * Functions that can fail return 0 or a negative errno; nothing prints.
 */
#ifndef SOCKWORKS_EPOLL_ECHO_H
#define SOCKWORKS_EPOLL_ECHO_H

#include <stdint.h>

typedef struct ee_server ee_server;

typedef struct ee_counters {
  uint64_t accepted;      /* connections accepted and served */
  uint64_t shed;          /* closed at once because the process was out of descriptors */
  uint64_t accept_errors; /* failed accepts, EMFILE/ENFILE included (then see shed) */
  int last_accept_error;  /* the last one's errno, 0 for none */
  uint64_t open;          /* connections open now */
} ee_counters;

/* Where a server adds what it does, for a caller that reports it while
 * the server runs (a control port): words in the caller's memory, shared
 * with other processes or not. The server's thread alone writes the first
 * three (plain relaxed stores); the others are added to atomically. Each
 * echo of a received chunk counts one in `echoes`. */
typedef struct ee_tally {
  uint64_t *bytes_in, *bytes_out, *echoes;
  uint64_t *accepted, *shed, *open, *errors;
} ee_tally;

/* Before ee_server_run: add to `tally`'s words from now on (every pointer
 * set; the words must outlive the run). */
void ee_server_tally_into(ee_server *server, const ee_tally *tally);

/* A server on `listener`, a listening stream socket (made non-blocking
 * here; it stays the caller's, to close after the run). Allocates the
 * server (with its 64 KiB read buffer), a loop and a reserve descriptor.
 * Stores it in *out and returns 0; -EINVAL (out NULL, listener < 0), the
 * negative errno of fcntl (-EBADF), -ENOMEM, or the loop's setup error. */
int ee_server_new(int listener, ee_server **out);

/* Serves on the calling thread until ee_server_stop (or _abort) has been
 * called and every connection is gone. 0, -EINVAL (server NULL), or
 * epoll_wait's negative errno. One thread runs a server, once. */
int ee_server_run(ee_server *server);

/* From any thread, before or during the run: stop accepting (the listener
 * is unwatched, not closed; connections still in its backlog are left to
 * the caller's close); open connections go on until their clients close.
 * Calling it again does nothing more. */
void ee_server_stop(ee_server *server);

/* From any thread: stop (as ee_server_stop) and close every open connection
 * now, the end of a grace period. ee_server_run then returns. */
void ee_server_abort(ee_server *server);

/* A snapshot of the counters, from any thread (under a lock), also after
 * the run. */
ee_counters ee_server_counters(ee_server *server);

/* Closes the connections still open, frees the server, its loop and its
 * reserve descriptor; never closes the listener. Only once ee_server_run
 * has returned (or was never called) and no other thread can call
 * ee_server_stop/_abort/_counters on it any more. NULL is ignored. */
void ee_server_free(ee_server *server);

#endif
