/*
 * The load generator's run: connections, the closed loop, the measured
 * window, on sockcore's event loop (one thread).
 */
#define _GNU_SOURCE
#include "clock.h"
#include "latency.h"
#include "window.h"
#include "connection.h"
#include "loadgen.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sockcore.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum link { LINK_CONNECTING, LINK_OPEN, LINK_CLOSED };

struct run;

struct conn {
  struct run *run;
  lg__stream stream;
  int fd;
  sc_watch_id id;
  enum link link;
  bool writable_armed;
  uint64_t echoes; /* over the whole run, warm-up included */
};

struct run {
  const lg_config *config;
  sc_loop *loop;
  struct conn *conns;
  unsigned pending_connects;
  lg__window window;
  lg_result *result;
  uint64_t *samples;
  size_t sample_count, sample_capacity;
  int error; /* an allocation failure that ends the run */
  uint8_t in[64 * 1024];
  uint8_t out[64 * 1024];
};

static void close_conn(struct conn *c) {
  if (c->link == LINK_CLOSED)
    return;
  sc_loop_unwatch(c->run->loop, c->id);
  close(c->fd);
  c->link = LINK_CLOSED;
}

static void failed(struct conn *c) {
  if (c->run->window.phase != DONE)
    c->run->result->failed++;
  close_conn(c);
}

/* Writes what is queued; arms SC_WRITABLE only while some is left. */
static void flush(struct conn *c) {
  struct run *run = c->run;
  for (;;) {
    size_t length = lg__stream_pending(&c->stream, run->out, sizeof run->out);
    if (length == 0)
      break;
    ssize_t n = send(c->fd, run->out, length, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0 && errno == EAGAIN)
      break;
    if (n <= 0) {
      failed(c);
      return;
    }
    lg__stream_wrote(&c->stream, (size_t)n);
    if ((size_t)n < length)
      break;
  }
  bool more = c->stream.written < c->stream.queued;
  if (more != c->writable_armed) {
    c->writable_armed = more;
    sc_loop_modify(run->loop, c->id, SC_READABLE | (more ? SC_WRITABLE : 0));
  }
}

static void record(void *context, uint64_t ns) {
  struct run *run = context;
  if (run->window.phase != MEASURING)
    return;
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


static void on_readable(struct conn *c) {
  struct run *run = c->run;
  ssize_t n;
  do
    n = recv(c->fd, run->in, sizeof run->in, 0);
  while (n < 0 && errno == EINTR);
  if (n < 0 && errno == EAGAIN)
    return;
  if (n <= 0) {
    failed(c); /* the server closed or reset the connection mid-run */
    return;
  }
  uint64_t now = lg__now_ns();
  size_t before = run->sample_count;
  lg__echo echo = lg__stream_received(&c->stream, run->in, (size_t)n, now, record, run);
  c->echoes += echo.completed;
  if (run->window.phase == MEASURING) {
    run->result->requests += run->sample_count - before;
    run->result->corrupted += echo.corrupted;
  }
  if (echo.overrun) {
    if (run->window.phase == MEASURING)
      run->result->corrupted++;
    failed(c);
    return;
  }
  if (run->window.phase == MEASURING && run->config->request_limit && run->result->requests >= run->config->request_limit) {
    lg__window_close(&run->window);
    return;
  }
  if (run->window.phase == DONE)
    return;
  for (uint32_t i = 0; i < echo.completed; i++)
    lg__stream_queue(&c->stream, now);
  flush(c);
}


static void connected(struct conn *c) {
  struct run *run = c->run;
  int one = 1;
  setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  c->link = LINK_OPEN;
  uint64_t now = lg__now_ns();
  while (lg__stream_queue(&c->stream, now)) {
  }
  c->writable_armed = true; /* watched for the connect: flush settles it */
  flush(c);
  if (--run->pending_connects == 0 && run->window.phase == CONNECTING)
    lg__window_warm_up(&run->window);
}

static void on_event(sc_loop *loop, sc_watch_id id, int fd, unsigned events, void *context) {
  struct conn *c = context;
  if (c->link == LINK_CONNECTING) {
    int error = 0;
    socklen_t length = sizeof error;
    getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length);
    if (error != 0 || (events & SC_ERROR)) {
      close_conn(c); /* refused: counted as unserved at the end */
      if (--c->run->pending_connects == 0 && c->run->window.phase == CONNECTING)
        lg__window_warm_up(&c->run->window);
      return;
    }
    connected(c);
    return;
  }
  if (events & (SC_READABLE | SC_HANGUP | SC_ERROR))
    on_readable(c);
  if (c->link == LINK_OPEN && (events & SC_WRITABLE))
    flush(c);
}

static void on_connect_timeout(sc_loop *loop, sc_watch_id id, void *context) {
  struct run *run = context;
  for (unsigned i = 0; i < run->config->connections; i++)
    if (run->conns[i].link == LINK_CONNECTING)
      close_conn(&run->conns[i]);
  lg__window_warm_up(&run->window);
}

static int valid(const lg_config *config) {
  return config && config->address && config->connections >= 1 && config->connections <= LG_MAX_CONNECTIONS &&
         config->size >= 1 && config->size <= LG_MAX_SIZE && config->depth >= 1 && config->depth <= LG_MAX_DEPTH &&
         config->duration_ns > 0;
}

int lg_run(const lg_config *config, lg_result *result) {
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
  run->conns = calloc(config->connections, sizeof *run->conns);
  int rc = run->conns ? sc_loop_new(&run->loop) : -ENOMEM;
  if (rc < 0) {
    free(run->conns);
    free(run);
    return rc;
  }
  run->window.loop = run->loop;
  int family = ((const struct sockaddr *)config->address)->sa_family;
  for (unsigned i = 0; i < config->connections; i++) {
    struct conn *c = &run->conns[i];
    c->run = run;
    c->link = LINK_CLOSED;
    lg__stream_init(&c->stream, i, config->size, config->depth);
    c->fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c->fd < 0) {
      rc = -errno;
      break;
    }
    if (connect(c->fd, config->address, config->address_length) < 0 && errno != EINPROGRESS) {
      close(c->fd); /* refused at once: unserved */
      continue;
    }
    if (sc_loop_watch(run->loop, c->fd, SC_READABLE | SC_WRITABLE, on_event, c, &c->id) < 0) {
      close(c->fd);
      continue;
    }
    c->link = LINK_CONNECTING;
    run->pending_connects++;
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
  /* Unserved: never connected, or never got a single echo back. */
  for (unsigned i = 0; i < config->connections; i++) {
    struct conn *c = &run->conns[i];
    if (c->echoes == 0)
      result->unserved++;
    close_conn(c);
  }
  if (rc == 0)
    rc = lg__summarise_latency(run->samples, run->sample_count, &result->p50_ns, &result->p90_ns, &result->p99_ns,
                               &result->max_ns);
  sc_loop_free(run->loop);
  free(run->samples);
  free(run->conns);
  free(run);
  return rc;
}
