/*
 * echo-server: a TCP echo server (RFC 862) on sockcore's event loop.
 *
 *   cc echo-server.c $(pkg-config --cflags --libs sockcore) -o echo-server
 *   ./echo-server [PORT [IPV4-ADDRESS]]      (defaults: 0, 127.0.0.1)
 *
 * It prints "listening on ADDRESS:PORT" (port 0 picks a free one), serves
 * until SIGTERM or SIGINT, then closes everything and exits 0. What it
 * shows: watching the listener and each connection, arming SC_WRITABLE only
 * while echo is queued (and not reading meanwhile, so a client that does
 * not read cannot make the server buffer without bound), a repeating timer
 * that closes connections idle for IDLE_SECONDS, signals taken through the
 * loop, and sc_accept's reserve descriptor for running out of descriptors.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <sockcore.h>

#define IDLE_SECONDS 60
#define NS_PER_SECOND 1000000000ull

struct server;

struct connection {
  struct server *server;
  int fd;
  sc_watch_id id;
  uint64_t last_active_ns;
  char *queued; /* echo the peer has not taken yet; NULL when none */
  size_t queued_length, queued_sent;
  struct connection *next;
};

struct server {
  int listener;
  int reserve; /* sc_accept's spare descriptor */
  unsigned long shed;
  struct connection *connections;
  char buffer[64 * 1024]; /* one read buffer for every connection */
};

static void close_connection(sc_loop *loop, struct connection *c) {
  sc_loop_unwatch(loop, c->id); /* before close(): see sc_loop_unwatch */
  close(c->fd);
  for (struct connection **link = &c->server->connections; *link; link = &(*link)->next) {
    if (*link == c) {
      *link = c->next;
      break;
    }
  }
  free(c->queued);
  free(c);
}

/* Sends what the peer takes; the rest is queued with SC_WRITABLE armed and
 * reading paused. Returns false when the connection has failed. */
static bool send_or_queue(sc_loop *loop, struct connection *c, const char *bytes, size_t length) {
  size_t sent = 0;
  while (sent < length) {
    ssize_t n = send(c->fd, bytes + sent, length - sent, MSG_NOSIGNAL);
    if (n >= 0)
      sent += (size_t)n;
    else if (errno == EAGAIN)
      break;
    else if (errno != EINTR)
      return false; /* EPIPE, ECONNRESET: the peer is gone */
  }
  if (sent == length)
    return true;
  c->queued = malloc(length - sent);
  if (c->queued == NULL)
    return false;
  memcpy(c->queued, bytes + sent, length - sent);
  c->queued_length = length - sent;
  c->queued_sent = 0;
  return sc_loop_modify(loop, c->id, SC_WRITABLE) == 0;
}

/* Sends queued echo; once it is all out, reads again. */
static bool flush_queue(sc_loop *loop, struct connection *c) {
  while (c->queued_sent < c->queued_length) {
    ssize_t n = send(c->fd, c->queued + c->queued_sent, c->queued_length - c->queued_sent, MSG_NOSIGNAL);
    if (n >= 0)
      c->queued_sent += (size_t)n;
    else if (errno == EAGAIN)
      return true; /* called again when there is room */
    else if (errno != EINTR)
      return false;
  }
  free(c->queued);
  c->queued = NULL;
  return sc_loop_modify(loop, c->id, SC_READABLE) == 0;
}

static void on_connection(sc_loop *loop, sc_watch_id id, int fd, unsigned events, void *context) {
  struct connection *c = context;
  (void)id, (void)events; /* with echo queued, send reports errors; else recv does */
  c->last_active_ns = sc_loop_now(loop);
  if (c->queued != NULL) {
    if (!flush_queue(loop, c))
      close_connection(loop, c);
    return;
  }
  ssize_t n = recv(fd, c->server->buffer, sizeof c->server->buffer, 0);
  if (n < 0 && (errno == EAGAIN || errno == EINTR))
    return; /* level-triggered: asked again if still readable */
  /* 0: the client is done (RFC 862); < 0: reset or another error. */
  if (n <= 0 || !send_or_queue(loop, c, c->server->buffer, (size_t)n))
    close_connection(loop, c);
}

static void on_listener(sc_loop *loop, sc_watch_id id, int fd, unsigned events, void *context) {
  struct server *server = context;
  (void)id, (void)events;
  /* A bounded batch per round, so that a flood of connections cannot starve
   * the ones already open. */
  for (int i = 0; i < 32; i++) {
    int accepted = sc_accept(fd, NULL, NULL, SOCK_NONBLOCK, &server->reserve, &server->shed);
    if (accepted == -EMFILE || accepted == -ENFILE) {
      fprintf(stderr, "echo-server: out of descriptors, %lu connection(s) closed so far\n", server->shed);
      return;
    }
    if (accepted < 0) {
      if (accepted != -EAGAIN)
        fprintf(stderr, "echo-server: accept: %s\n", strerror(-accepted));
      return;
    }
    struct connection *c = calloc(1, sizeof *c);
    int rc = c == NULL ? -ENOMEM : sc_loop_watch(loop, accepted, SC_READABLE, on_connection, c, &c->id);
    if (rc < 0) {
      fprintf(stderr, "echo-server: cannot serve a connection: %s\n", strerror(-rc));
      free(c);
      close(accepted);
      continue;
    }
    c->server = server;
    c->fd = accepted;
    c->last_active_ns = sc_loop_now(loop);
    c->next = server->connections;
    server->connections = c;
  }
}

static void close_idle(sc_loop *loop, sc_watch_id id, void *context) {
  struct server *server = context;
  (void)id;
  uint64_t now = sc_loop_now(loop);
  for (struct connection *c = server->connections, *next; c; c = next) {
    next = c->next;
    if (now - c->last_active_ns >= IDLE_SECONDS * NS_PER_SECOND)
      close_connection(loop, c);
  }
}

static void on_stop_signal(sc_loop *loop, int signo, void *context) {
  (void)signo, (void)context;
  sc_loop_stop(loop);
}

static int listen_on(const char *address, unsigned port) {
  struct sockaddr_in where = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  if (inet_pton(AF_INET, address, &where.sin_addr) != 1) {
    fprintf(stderr, "echo-server: not an IPv4 address: %s\n", address);
    return -1;
  }
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  int on = 1;
  socklen_t length = sizeof where;
  if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) < 0 ||
      bind(fd, (struct sockaddr *)&where, sizeof where) < 0 || listen(fd, SOMAXCONN) < 0 ||
      getsockname(fd, (struct sockaddr *)&where, &length) < 0) {
    fprintf(stderr, "echo-server: listen on %s:%u: %s\n", address, port, strerror(errno));
    if (fd >= 0)
      close(fd);
    return -1;
  }
  printf("listening on %s:%u\n", address, ntohs(where.sin_port));
  fflush(stdout);
  return fd;
}

static int fail(const char *what, int rc) {
  fprintf(stderr, "echo-server: %s: %s\n", what, strerror(-rc));
  return 1;
}

int main(int argc, char **argv) {
  char *end = NULL;
  unsigned long port = argc > 1 ? strtoul(argv[1], &end, 10) : 0;
  if (argc > 3 || (argc > 1 && (*argv[1] == '\0' || *end != '\0' || port > 65535))) {
    fprintf(stderr, "usage: echo-server [PORT [IPV4-ADDRESS]]\n");
    return 2;
  }
  /* Signals go through the loop's signalfd, so they must be blocked (before
   * any thread starts, so that every thread inherits the mask). */
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  sigprocmask(SIG_BLOCK, &stop_signals, NULL);

  static struct server server; /* static: the 64 KiB buffer stays off the stack */
  server.listener = listen_on(argc > 2 ? argv[2] : "127.0.0.1", (unsigned)port);
  if (server.listener < 0)
    return 1;
  server.reserve = sc_reserve_open();
  if (server.reserve < 0)
    return fail("reserve descriptor", server.reserve);

  sc_loop *loop;
  int rc = sc_loop_new(&loop);
  if (rc < 0)
    return fail("sc_loop_new", rc);
  if ((rc = sc_loop_watch(loop, server.listener, SC_READABLE, on_listener, &server, NULL)) < 0 ||
      (rc = sc_loop_timer(loop, NS_PER_SECOND, NS_PER_SECOND, close_idle, &server, NULL)) < 0 ||
      (rc = sc_loop_signal(loop, SIGTERM, on_stop_signal, NULL)) < 0 ||
      (rc = sc_loop_signal(loop, SIGINT, on_stop_signal, NULL)) < 0)
    return fail("loop setup", rc);

  rc = sc_loop_run(loop, SC_RUN_DEFAULT);

  while (server.connections)
    close_connection(loop, server.connections);
  sc_loop_free(loop); /* the listener's watch and the timer go with it */
  close(server.listener);
  close(server.reserve);
  if (rc < 0)
    return fail("sc_loop_run", rc);
  if (server.shed > 0)
    fprintf(stderr, "echo-server: %lu connection(s) closed while out of descriptors\n", server.shed);
  return 0;
}
