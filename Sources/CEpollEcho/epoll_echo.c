/*
 * An echo server as lean as a careful hand-written C epoll server:
 * level-triggered reads into one buffer per loop, the reply sent from it at
 * once, and only what the kernel does not take copied into a per-connection
 * queue, with EPOLLOUT armed and reading paused until it is sent (so a
 * client that does not read cannot make the server buffer without bound).
 * An idle connection costs its struct connection (56 bytes) and its slot in
 * the loop's registration table (56 bytes).
 */
#define _GNU_SOURCE
#include "epoll_echo.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sockcore.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct connection {
  ee_server *server;
  int fd;
  sc_watch_id id;
  uint8_t *pending; /* unsent echo, only while the peer is not reading */
  uint32_t pending_length, pending_sent;
  struct connection *previous, *next;
};

struct ee_server {
  sc_loop *loop;
  int listener;
  sc_watch_id listener_id;
  bool accepting;
  atomic_bool stop_requested, abort_requested;
  struct connection *connections;
  pthread_mutex_t counters_lock;
  ee_counters counters;
  bool tallies;
  ee_tally tally;
  uint8_t buffer[64 * 1024];
};

/* A word of the tally that only this server's thread writes. */
static void tally_own(ee_server *server, uint64_t *word, uint64_t n) {
  if (server->tallies)
    __atomic_store_n(word, __atomic_load_n(word, __ATOMIC_RELAXED) + n, __ATOMIC_RELAXED);
}

/* A word of the tally that others may add to as well. */
static void tally_shared(ee_server *server, uint64_t *word, int64_t n) {
  if (server->tallies)
    __atomic_fetch_add(word, (uint64_t)n, __ATOMIC_RELAXED);
}

void ee_server_tally_into(ee_server *server, const ee_tally *tally) {
  if (server == NULL || tally == NULL)
    return;
  server->tally = *tally;
  server->tallies = true;
}

/* One spare descriptor for the whole process, and one lock around every
 * accept that may give it up. The workers share a descriptor table: while
 * one has closed its own spare to shed its backlog, another's accept could
 * take the freed number, leave the first with no spare to reopen, and its
 * listener's backlog would then wait for ever at the descriptor limit. */
static pthread_mutex_t reserve_lock = PTHREAD_MUTEX_INITIALIZER;
static int reserve = -1;
static int reserve_users;

static int accept_sharing_reserve(int listener, unsigned long *dropped) {
  pthread_mutex_lock(&reserve_lock);
  if (reserve < 0)
    reserve = sc_reserve_open(); /* lost earlier: back once descriptors are */
  int accepted = sc_accept(listener, NULL, NULL, SOCK_NONBLOCK, &reserve, dropped);
  pthread_mutex_unlock(&reserve_lock);
  return accepted;
}

static void reserve_take(void) {
  pthread_mutex_lock(&reserve_lock);
  if (reserve_users++ == 0 && reserve < 0)
    reserve = sc_reserve_open();
  pthread_mutex_unlock(&reserve_lock);
}

static void reserve_release(void) {
  pthread_mutex_lock(&reserve_lock);
  if (--reserve_users == 0 && reserve >= 0) {
    close(reserve);
    reserve = -1;
  }
  pthread_mutex_unlock(&reserve_lock);
}

static void count(ee_server *server, void (*change)(ee_counters *, int), int value) {
  pthread_mutex_lock(&server->counters_lock);
  change(&server->counters, value);
  pthread_mutex_unlock(&server->counters_lock);
}

static void opened(ee_counters *c, int unused) { c->accepted++, c->open++; }
static void closed(ee_counters *c, int unused) { c->open--; }
static void shed(ee_counters *c, int n) { c->shed += (uint64_t)n; }
static void failed(ee_counters *c, int error) { c->accept_errors++, c->last_accept_error = error; }

static void finish_if_done(ee_server *server) {
  if (!server->accepting && server->connections == NULL)
    sc_loop_stop(server->loop);
}

static void close_connection(ee_server *server, struct connection *c) {
  tally_shared(server, server->tally.open, -1);
  sc_loop_unwatch(server->loop, c->id);
  close(c->fd);
  if (c->previous)
    c->previous->next = c->next;
  else
    server->connections = c->next;
  if (c->next)
    c->next->previous = c->previous;
  free(c->pending);
  free(c);
  count(server, closed, 0);
  finish_if_done(server);
}

/* Sends bytes[0..length); queues the rest and waits for room. Returns false
 * when the connection is finished (error). */
static bool send_or_queue(ee_server *server, struct connection *c, const uint8_t *bytes, size_t length) {
  size_t sent = 0;
  while (sent < length) {
    ssize_t n = send(c->fd, bytes + sent, length - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += (size_t)n;
      tally_own(server, server->tally.bytes_out, (uint64_t)n);
      continue;
    }
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0 && errno == EAGAIN)
      break;
    tally_shared(server, server->tally.errors, 1);
    return false; /* EPIPE, ECONNRESET: the peer is gone */
  }
  if (sent == length)
    return true;
  c->pending = malloc(length - sent);
  if (c->pending == NULL)
    return false;
  memcpy(c->pending, bytes + sent, length - sent);
  c->pending_length = (uint32_t)(length - sent);
  c->pending_sent = 0;
  return sc_loop_modify(server->loop, c->id, SC_WRITABLE) == 0;
}

static void on_readable(ee_server *server, struct connection *c) {
  ssize_t n;
  do
    n = recv(c->fd, server->buffer, sizeof server->buffer, 0);
  while (n < 0 && errno == EINTR);
  if (n < 0 && errno == EAGAIN)
    return;
  if (n > 0) {
    tally_own(server, server->tally.bytes_in, (uint64_t)n);
    tally_own(server, server->tally.echoes, 1);
  } else if (n < 0) {
    tally_shared(server, server->tally.errors, 1);
  }
  /* End of file (RFC 862: the client is done) or an error (reset). */
  if (n <= 0 || !send_or_queue(server, c, server->buffer, (size_t)n))
    close_connection(server, c);
}

static void on_writable(ee_server *server, struct connection *c) {
  while (c->pending_sent < c->pending_length) {
    ssize_t n = send(c->fd, c->pending + c->pending_sent, c->pending_length - c->pending_sent, MSG_NOSIGNAL);
    if (n > 0) {
      c->pending_sent += (uint32_t)n;
      tally_own(server, server->tally.bytes_out, (uint64_t)n);
      continue;
    }
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0 && errno == EAGAIN)
      return;
    tally_shared(server, server->tally.errors, 1);
    close_connection(server, c);
    return;
  }
  free(c->pending);
  c->pending = NULL;
  c->pending_length = c->pending_sent = 0;
  if (sc_loop_modify(server->loop, c->id, SC_READABLE) != 0)
    close_connection(server, c);
}

static void on_connection(sc_loop *loop, sc_watch_id id, int fd, unsigned events, void *context) {
  struct connection *c = context;
  ee_server *server = c->server;
  if (c->pending != NULL)
    on_writable(server, c); /* with output queued, the send reports errors */
  else
    on_readable(server, c);
}

static void on_listener(sc_loop *loop, sc_watch_id id, int fd, unsigned events, void *context);

static void resume_accepting(sc_loop *loop, sc_watch_id id, void *context) {
  ee_server *server = context;
  if (server->accepting && server->listener_id == 0 &&
      sc_loop_watch(loop, server->listener, SC_READABLE, on_listener, server, &server->listener_id) < 0) {
    /* Still out of descriptors or memory: try again later. */
    server->listener_id = 0;
    sc_loop_timer(loop, 100000000u, 0, resume_accepting, server, NULL);
  }
}

/* Out of kernel memory, or out of descriptors with no reserve to shed the
 * backlog with: nothing frees them at once, and the listener stays
 * readable, so stop watching it for 100 ms instead of failing accept in a
 * spin. Without a timer there is no pause: better busy than deaf. */
static void pause_accepting(ee_server *server) {
  if (sc_loop_timer(server->loop, 100000000u, 0, resume_accepting, server, NULL) < 0)
    return;
  sc_loop_unwatch(server->loop, server->listener_id);
  server->listener_id = 0;
}

static void on_listener(sc_loop *loop, sc_watch_id id, int fd, unsigned events, void *context) {
  ee_server *server = context;
  for (int i = 0; i < 64 && server->accepting; i++) {
    unsigned long dropped = 0;
    int accepted = accept_sharing_reserve(fd, &dropped);
    if (dropped) {
      count(server, shed, (int)dropped);
      tally_shared(server, server->tally.shed, (int64_t)dropped);
    }
    if (accepted == -EAGAIN)
      return;
    if (accepted == -EINVAL) {
      /* The listener was shut down (the way a stop wakes blocked accepts):
       * it stays readable, so stop watching it rather than spin. */
      server->accepting = false;
      sc_loop_unwatch(loop, server->listener_id);
      server->listener_id = 0;
      finish_if_done(server);
      return;
    }
    if (accepted < 0) {
      count(server, failed, -accepted);
      bool unshed = (accepted == -EMFILE || accepted == -ENFILE) && dropped == 0;
      if (unshed || accepted == -ENOBUFS || accepted == -ENOMEM)
        pause_accepting(server);
      return;
    }
    struct connection *c = calloc(1, sizeof *c);
    int rc = c == NULL ? -ENOMEM : sc_loop_watch(loop, accepted, SC_READABLE, on_connection, c, &c->id);
    if (rc < 0) {
      free(c);
      close(accepted);
      count(server, failed, -rc);
      continue;
    }
    c->server = server;
    c->fd = accepted;
    c->next = server->connections;
    if (c->next)
      c->next->previous = c;
    server->connections = c;
    count(server, opened, 0);
    tally_shared(server, server->tally.accepted, 1);
    tally_shared(server, server->tally.open, 1);
  }
}

static void on_wake(sc_loop *loop, void *context) {
  ee_server *server = context;
  bool abort_now = atomic_load(&server->abort_requested);
  if ((abort_now || atomic_load(&server->stop_requested)) && server->accepting) {
    server->accepting = false;
    sc_loop_unwatch(loop, server->listener_id); /* -ENOENT while paused: fine */
    server->listener_id = 0;
  }
  if (abort_now)
    while (server->connections)
      close_connection(server, server->connections);
  finish_if_done(server);
}

int ee_server_new(int listener, ee_server **out) {
  if (out == NULL || listener < 0)
    return -EINVAL;
  int flags = fcntl(listener, F_GETFL);
  if (flags < 0 || fcntl(listener, F_SETFL, flags | O_NONBLOCK) < 0)
    return -errno;
  ee_server *server = calloc(1, sizeof *server);
  if (server == NULL)
    return -ENOMEM;
  int rc = sc_loop_new(&server->loop);
  if (rc < 0) {
    free(server);
    return rc;
  }
  server->listener = listener;
  reserve_take();
  server->accepting = true;
  pthread_mutex_init(&server->counters_lock, NULL);
  rc = sc_loop_watch(server->loop, listener, SC_READABLE, on_listener, server, &server->listener_id);
  if (rc < 0) {
    ee_server_free(server);
    return rc;
  }
  sc_loop_on_wake(server->loop, on_wake, server);
  *out = server;
  return 0;
}

int ee_server_run(ee_server *server) {
  if (server == NULL)
    return -EINVAL;
  return sc_loop_run(server->loop, SC_RUN_DEFAULT);
}

void ee_server_stop(ee_server *server) {
  if (server == NULL)
    return;
  atomic_store(&server->stop_requested, true);
  sc_loop_wake(server->loop);
}

void ee_server_abort(ee_server *server) {
  if (server == NULL)
    return;
  atomic_store(&server->abort_requested, true);
  sc_loop_wake(server->loop);
}

ee_counters ee_server_counters(ee_server *server) {
  if (server == NULL)
    return (ee_counters){0};
  pthread_mutex_lock(&server->counters_lock);
  ee_counters snapshot = server->counters;
  pthread_mutex_unlock(&server->counters_lock);
  return snapshot;
}

void ee_server_free(ee_server *server) {
  if (server == NULL)
    return;
  while (server->connections) {
    struct connection *c = server->connections;
    server->connections = c->next;
    tally_shared(server, server->tally.open, -1);
    close(c->fd);
    free(c->pending);
    free(c);
  }
  sc_loop_free(server->loop);
  reserve_release();
  pthread_mutex_destroy(&server->counters_lock);
  free(server);
}
