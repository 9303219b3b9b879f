/*
 * The HTTP mode's run: connections, requests, the measured window, on
 * sockcore's event loop (one thread).
 */
#define _GNU_SOURCE
#include "clock.h"
#include "loadgen.h"
#include "loadgen_http.h"
#include "response.h"
#include "latency.h"
#include "window.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sockcore.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

enum link { LINK_CONNECTING, LINK_SENDING, LINK_RECEIVING, LINK_DRAINING, LINK_CLOSED };

struct run;

struct conn {
  struct run *run;
  int fd;
  sc_watch_id id;
  enum link link;
  bool first_connect; /* still part of the run's opening connects */
  size_t request_sent;
  uint64_t started_ns;
  uint64_t responses; /* over the whole run, warm-up included */
  lg__response response;
};

struct run {
  const lg_http_config *config;
  sc_loop *loop;
  struct conn *conns;
  lg__expected expected;
  char *request;
  size_t request_length;
  unsigned pending_connects;
  lg__window window;
  lg_http_result *result;
  uint64_t *samples;
  size_t sample_count, sample_capacity;
  int error; /* an allocation failure that ends the run */
  uint8_t in[256 * 1024];
};

static void on_event(sc_loop *loop, sc_watch_id id, int fd, unsigned events, void *context);

static bool measuring(const struct run *run) { return run->window.phase == MEASURING; }

static void close_conn(struct conn *c) {
  if (c->link == LINK_CLOSED)
    return;
  sc_loop_unwatch(c->run->loop, c->id);
  close(c->fd);
  c->link = LINK_CLOSED;
}

/* An opening connect settled (made or refused): the warm-up starts once
 * every one has. */
static void settle_first_connect(struct conn *c) {
  if (!c->first_connect)
    return;
  c->first_connect = false;
  if (--c->run->pending_connects == 0 && c->run->window.phase == CONNECTING)
    lg__window_warm_up(&c->run->window);
}

static void fail(struct conn *c, uint64_t *counter) {
  if (measuring(c->run))
    (*counter)++;
  settle_first_connect(c);
  close_conn(c);
}

/* Starts a connect; false (and the slot closed) when no socket could be had. */
static bool open_conn(struct conn *c) {
  struct run *run = c->run;
  const lg_http_config *config = run->config;
  c->fd = socket(config->address->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (c->fd < 0)
    return false;
  if (connect(c->fd, config->address, config->address_length) < 0 && errno != EINPROGRESS) {
    close(c->fd);
    return false;
  }
  if (sc_loop_watch(run->loop, c->fd, SC_READABLE | SC_WRITABLE, on_event, c, &c->id) < 0) {
    close(c->fd);
    return false;
  }
  c->link = LINK_CONNECTING;
  c->started_ns = lg__now_ns();
  return true;
}

/* Writes what is left of the request; watches for writability only while
 * some is. */
static void send_request(struct conn *c) {
  struct run *run = c->run;
  while (c->request_sent < run->request_length) {
    ssize_t n = send(c->fd, run->request + c->request_sent, run->request_length - c->request_sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0 && errno == EAGAIN) {
      sc_loop_modify(run->loop, c->id, SC_READABLE | SC_WRITABLE);
      return;
    }
    if (n <= 0) {
      fail(c, &run->result->failed);
      return;
    }
    c->request_sent += (size_t)n;
  }
  c->link = LINK_RECEIVING;
  sc_loop_modify(run->loop, c->id, SC_READABLE);
}

static void begin_request(struct conn *c) {
  c->request_sent = 0;
  lg__response_init(&c->response, &c->run->expected);
  if (!c->run->config->connection_per_request)
    c->started_ns = lg__now_ns();
  c->link = LINK_SENDING;
  send_request(c);
}

static void record(struct run *run, uint64_t ns) {
  if (run->sample_count == run->sample_capacity) {
    size_t grown = run->sample_capacity ? run->sample_capacity * 2 : 1 << 20;
    uint64_t *samples = realloc(run->samples, grown * sizeof *samples);
    if (samples == NULL) {
      run->error = -ENOMEM;
      sc_loop_stop(run->loop);
      return;
    }
    run->samples = samples;
    run->sample_capacity = grown;
  }
  run->samples[run->sample_count++] = ns;
}

/* A whole response arrived (its body right or wrong). */
static void completed(struct conn *c, bool wrong_body) {
  struct run *run = c->run;
  uint64_t now = lg__now_ns();
  c->responses++;
  if (measuring(run)) {
    run->result->requests++;
    run->result->corrupted += wrong_body;
    record(run, now > c->started_ns ? now - c->started_ns : 0);
    if (run->config->request_limit && run->result->requests >= run->config->request_limit)
      lg__window_close(&run->window);
  }
}

/* The connection reached its end after a whole response: with a connection
 * per request, the next one opens. */
static void drained(struct conn *c) {
  struct run *run = c->run;
  close_conn(c);
  if (run->window.phase == DONE)
    return;
  if (!open_conn(c) && measuring(run))
    run->result->failed++;
}

static void on_readable(struct conn *c) {
  struct run *run = c->run;
  ssize_t n;
  do
    n = recv(c->fd, run->in, sizeof run->in, 0);
  while (n < 0 && errno == EINTR);
  if (n < 0 && errno == EAGAIN)
    return;
  if (n == 0 && c->link == LINK_DRAINING) {
    drained(c);
    return;
  }
  if (n <= 0 || c->link != LINK_RECEIVING) {
    /* Closed or reset mid-response, or bytes no request asked for. */
    fail(c, n > 0 ? &run->result->corrupted : &run->result->failed);
    return;
  }
  uint64_t before = c->response.body_received;
  size_t consumed = 0;
  lg__verdict verdict = lg__response_feed(&c->response, run->in, (size_t)n, &consumed);
  if (measuring(run))
    run->result->body_bytes += c->response.body_received - before;
  switch (verdict) {
  case LG__MORE:
    return;
  case LG__CORRUPTED:
    fail(c, &run->result->corrupted);
    return;
  case LG__FAILED:
    fail(c, &run->result->failed);
    return;
  case LG__COMPLETE:
  case LG__WRONG_BODY:
    completed(c, verdict == LG__WRONG_BODY);
    break;
  }
  if (consumed < (size_t)n) {
    fail(c, &run->result->corrupted); /* bytes beyond the response */
    return;
  }
  if (run->window.phase == DONE)
    return;
  if (run->config->connection_per_request || !c->response.keep_alive) {
    c->link = LINK_DRAINING; /* read to the server's close */
    return;
  }
  begin_request(c);
}

static void connected(struct conn *c) {
  int one = 1;
  setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  settle_first_connect(c);
  if (c->run->window.phase != DONE)
    begin_request(c);
}

static void on_event(sc_loop *loop, sc_watch_id id, int fd, unsigned events, void *context) {
  struct conn *c = context;
  if (c->link == LINK_CONNECTING) {
    int error = 0;
    socklen_t length = sizeof error;
    getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length);
    if (error != 0 || (events & SC_ERROR)) {
      /* An opening connect refused leaves the slot unserved; a later one
       * (a connection per request) is a failure. */
      if (c->first_connect) {
        settle_first_connect(c);
        close_conn(c);
      } else {
        fail(c, &c->run->result->failed);
      }
      return;
    }
    connected(c);
    return;
  }
  if (events & (SC_READABLE | SC_HANGUP | SC_ERROR))
    on_readable(c);
  if (c->link == LINK_SENDING && (events & SC_WRITABLE))
    send_request(c);
}

static void on_connect_timeout(sc_loop *loop, sc_watch_id id, void *context) {
  struct run *run = context;
  for (unsigned i = 0; i < run->config->connections; i++) {
    struct conn *c = &run->conns[i];
    if (c->first_connect) {
      c->first_connect = false;
      close_conn(c);
    }
  }
  lg__window_warm_up(&run->window);
}

/* A host or path that fits in a request line or field unchanged. */
static bool printable_token(const char *text) {
  if (text == NULL || *text == '\0')
    return false;
  for (; *text; text++)
    if (*text <= ' ' || *text >= 0x7f)
      return false;
  return true;
}

static bool valid(const lg_http_config *config) {
  return config && config->address && config->connections >= 1 && config->connections <= LG_MAX_CONNECTIONS &&
         printable_token(config->host) && printable_token(config->path) && config->path[0] == '/' &&
         (config->body != NULL || config->body_length == 0) && config->duration_ns > 0;
}

/* "GET /path HTTP/1.1", Host, and Connection: close when each request has
 * its own connection (RFC 9112 sections 3 and 9.6). */
static int make_request(struct run *run) {
  const lg_http_config *config = run->config;
  const char *close_field = config->connection_per_request ? "Connection: close\r\n" : "";
  int length = snprintf(NULL, 0, "GET %s HTTP/1.1\r\nHost: %s\r\n%s\r\n", config->path, config->host, close_field);
  run->request = malloc((size_t)length + 1);
  if (run->request == NULL)
    return -ENOMEM;
  snprintf(run->request, (size_t)length + 1, "GET %s HTTP/1.1\r\nHost: %s\r\n%s\r\n", config->path, config->host,
           close_field);
  run->request_length = (size_t)length;
  return 0;
}

static void finish_samples(struct run *run, int *rc) {
  if (*rc != 0)
    return;
  lg_http_result *result = run->result;
  *rc = lg__summarise_latency(run->samples, run->sample_count, &result->p50_ns, &result->p90_ns, &result->p99_ns,
                              &result->max_ns);
}

int lg_http_run(const lg_http_config *config, lg_http_result *result) {
  if (!valid(config) || result == NULL)
    return -EINVAL;
  memset(result, 0, sizeof *result);
  struct run *run = calloc(1, sizeof *run);
  if (run == NULL)
    return -ENOMEM;
  run->config = config;
  run->result = result;
  run->window = lg__window_make(config->warmup_ns, config->duration_ns, config->window, config->window_context,
                                &result->window_ns, &result->cpu_user_ns, &result->cpu_system_ns);
  run->expected.body = config->body;
  run->expected.length = config->body_length;
  run->expected.checksum_only = config->checksum_only != 0;
  if (run->expected.checksum_only) {
    lg_checksum sum;
    lg_checksum_init(&sum);
    lg_checksum_add(&sum, config->body, config->body_length);
    run->expected.checksum = lg_checksum_value(&sum);
  }
  int rc = make_request(run);
  if (rc == 0) {
    run->conns = calloc(config->connections, sizeof *run->conns);
    rc = run->conns ? sc_loop_new(&run->loop) : -ENOMEM;
  }
  if (rc < 0) {
    free(run->conns);
    free(run->request);
    free(run);
    return rc;
  }
  run->window.loop = run->loop;
  for (unsigned i = 0; i < config->connections; i++) {
    struct conn *c = &run->conns[i];
    c->run = run;
    c->link = LINK_CLOSED;
    if (open_conn(c)) {
      c->first_connect = true;
      run->pending_connects++;
    } else if (errno == EMFILE || errno == ENFILE || errno == ENOMEM) {
      rc = -errno;
      break;
    }
  }
  if (rc == 0) {
    sc_loop_timer(run->loop, config->connect_timeout_ns ? config->connect_timeout_ns : 10000000000u, 0,
                  on_connect_timeout, run, &run->window.connect_timer);
    if (run->pending_connects == 0)
      lg__window_warm_up(&run->window);
    rc = sc_loop_run(run->loop, SC_RUN_DEFAULT);
    if (rc == 0)
      rc = run->error;
  }
  for (unsigned i = 0; i < config->connections; i++) {
    struct conn *c = &run->conns[i];
    if (c->responses == 0)
      result->unserved++;
    close_conn(c);
  }
  finish_samples(run, &rc);
  sc_loop_free(run->loop);
  free(run->samples);
  free(run->conns);
  free(run->request);
  free(run);
  return rc;
}
