/*
 * The datagram mode's run: sockets, slots, timeouts, the measured window,
 * on sockcore's event loop (one thread).
 */
#define _GNU_SOURCE
#include "clock.h"
#include "loadgen.h"
#include "loadgen_udp.h"
#include "latency.h"
#include "window.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <sockcore.h>
#include <system_shims.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Datagrams read per socket per wake-up at most, so that the timeout
 * sweep and the window's timers run under any load. */
#define RECEIVES_PER_WAKE 256

struct slot {
  uint64_t sequence; /* of the datagram in flight, or of the last one */
  uint64_t sent_ns;
  bool in_flight;
};

struct run;

struct udp_socket {
  struct run *run;
  uint32_t index;
  int fd;
  sc_watch_id id;
  uint64_t next_sequence;
  struct slot *slots;
  /* Batched: the slots answered in this wake-up, sent together after it. */
  uint32_t *refills;
  uint32_t refill_count;
};

struct run {
  const lg_udp_config *config;
  sc_loop *loop;
  struct udp_socket *sockets;
  lg__window window;
  lg_udp_result *result;
  sc_watch_id sweep_timer;
  uint64_t *samples;
  size_t sample_count, sample_capacity;
  int error; /* an allocation failure that ends the run */
  uint8_t out[65536]; /* a datagram, or a batched client's segmented message */
  bool segments;      /* batched: the kernel still takes segmented messages */
  /* One more than the largest datagram, so a longer reply shows; and room
   * for a coalesced buffer, which the kernel keeps under 64 KiB. */
  uint8_t in[65536 + 1];
};

static bool measuring(const struct run *run) { return run->window.phase == MEASURING; }

/* The datagram of `sequence` in `slot` of socket `s`: the header, then
 * lg_pattern_byte of the socket and sequence. */
static void fill(const struct run *run, uint32_t socket, uint32_t slot, uint64_t sequence, uint8_t *bytes) {
  memcpy(bytes, &socket, 4);
  memcpy(bytes + 4, &slot, 4);
  memcpy(bytes + 8, &sequence, 8);
  for (uint32_t offset = LG_UDP_HEADER; offset < run->config->size; offset++)
    bytes[offset] = lg_pattern_byte(socket, sequence, offset);
}

/* Puts a new datagram of `slot` in flight, its bytes at `bytes`. */
static void start_slot(struct udp_socket *s, uint32_t index, uint8_t *bytes) {
  struct slot *slot = &s->slots[index];
  slot->sequence = ++s->next_sequence;
  slot->sent_ns = lg__now_ns();
  slot->in_flight = true;
  fill(s->run, s->index, index, slot->sequence, bytes);
}

/* Sends a new datagram from `slot`. A send the kernel refuses (a full
 * buffer, a refused port reported late) leaves the datagram to time out. */
static void send_slot(struct udp_socket *s, uint32_t index) {
  struct run *run = s->run;
  start_slot(s, index, run->out);
  ssize_t sent;
  do
    sent = send(s->fd, run->out, run->config->size, MSG_DONTWAIT);
  while (sent < 0 && errno == EINTR);
}

/* Sends `count` datagrams of `size` bytes at run->out as one message that
 * the kernel cuts into datagrams (UDP_SEGMENT, udp(7)). False when the
 * kernel refuses segmentation itself; a refusal of the send (a full buffer)
 * leaves the datagrams to time out, as send_slot's. */
static bool send_segmented(struct udp_socket *s, uint32_t count) {
  struct run *run = s->run;
  struct iovec vector = {.iov_base = run->out, .iov_len = (size_t)count * run->config->size};
  union {
    struct cmsghdr header;
    char bytes[CMSG_SPACE(sizeof(uint16_t))];
  } control;
  struct msghdr message = {.msg_iov = &vector, .msg_iovlen = 1, .msg_control = control.bytes};
  message.msg_controllen = shim_udp_segment_control(control.bytes, (unsigned short)run->config->size);
  ssize_t sent;
  do
    sent = sendmsg(s->fd, &message, MSG_DONTWAIT);
  while (sent < 0 && errno == EINTR);
  /* The errnos DatagramBatch.meansNoSegmentation names: none of them will
   * change for this socket. */
  return !(sent < 0 && (errno == EIO || errno == EINVAL || errno == ENOPROTOOPT || errno == EOPNOTSUPP));
}

/* Datagrams one segmented message carries: udp(7)'s 64 segments at most,
 * all within one IP datagram. */
static uint32_t segments_per_message(const struct run *run) {
  uint32_t fit = LG_UDP_MAX_SIZE / run->config->size;
  return fit < 64 ? fit : 64;
}

/* Sends the batched socket's refills: runs of segments_per_message as
 * segmented messages, a lone one (or all, once the kernel has refused
 * segmentation) with send. */
static void send_refills(struct udp_socket *s) {
  struct run *run = s->run;
  uint32_t per_message = segments_per_message(run);
  uint32_t done = 0;
  while (done < s->refill_count) {
    uint32_t count = s->refill_count - done;
    if (count > per_message)
      count = per_message;
    if (count == 1 || !run->segments) {
      send_slot(s, s->refills[done]);
      done++;
      continue;
    }
    for (uint32_t k = 0; k < count; k++)
      start_slot(s, s->refills[done + k], run->out + (size_t)k * run->config->size);
    if (!send_segmented(s, count)) {
      run->segments = false;
      for (uint32_t k = 0; k < count; k++)
        send_slot(s, s->refills[done + k]);
    }
    done += count;
  }
  s->refill_count = 0;
}

/* The slot answered: a new datagram from it, now or (batched) after the
 * wake-up. */
static void refill(struct udp_socket *s, uint32_t index) {
  if (s->run->config->batched)
    s->refills[s->refill_count++] = index;
  else
    send_slot(s, index);
}

static void keep_sample(struct run *run, uint64_t ns) {
  if (run->sample_count == run->sample_capacity) {
    size_t grown = run->sample_capacity ? run->sample_capacity * 2 : 65536;
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

/* One reply of `length` bytes at `bytes`: matched to its slot by the
 * header, checked against the pattern, and the slot sends the next. */
static void on_reply(struct udp_socket *s, const uint8_t *bytes, size_t length) {
  struct run *run = s->run;
  uint32_t socket, index;
  uint64_t sequence;
  if (length < LG_UDP_HEADER) {
    if (measuring(run))
      run->result->stray++;
    return;
  }
  memcpy(&socket, bytes, 4);
  memcpy(&index, bytes + 4, 4);
  memcpy(&sequence, bytes + 8, 8);
  if (socket != s->index || index >= run->config->depth || !s->slots[index].in_flight ||
      s->slots[index].sequence != sequence) {
    if (measuring(run))
      run->result->stray++;
    return;
  }
  struct slot *slot = &s->slots[index];
  slot->in_flight = false;
  bool intact = length == run->config->size;
  for (uint32_t offset = LG_UDP_HEADER; intact && offset < length; offset++)
    intact = bytes[offset] == lg_pattern_byte(socket, sequence, offset);
  if (measuring(run)) {
    if (intact) {
      run->result->requests++;
      keep_sample(run, lg__now_ns() - slot->sent_ns);
      if (run->config->request_limit && run->result->requests >= run->config->request_limit) {
        lg__window_close(&run->window);
        return;
      }
    } else {
      run->result->corrupted++;
    }
  }
  if (run->window.phase != DONE)
    refill(s, index);
}

/* Receives one buffer: a datagram, or when batched several of one
 * size (the last may be shorter), whose size UDP_GRO reports. Returns the
 * buffer's length and sets *segment, or -1 with errno. */
static ssize_t receive(struct udp_socket *s, size_t *segment) {
  struct run *run = s->run;
  if (!run->config->batched) {
    ssize_t n = recv(s->fd, run->in, sizeof run->in, MSG_DONTWAIT);
    *segment = n > 0 ? (size_t)n : 0;
    return n;
  }
  struct iovec vector = {.iov_base = run->in, .iov_len = sizeof run->in};
  union {
    struct cmsghdr header;
    char bytes[CMSG_SPACE(sizeof(int))];
  } control;
  struct msghdr message = {
      .msg_iov = &vector, .msg_iovlen = 1, .msg_control = control.bytes, .msg_controllen = sizeof control.bytes};
  ssize_t n = recvmsg(s->fd, &message, MSG_DONTWAIT);
  *segment = n > 0 ? (size_t)n : 0;
  for (struct cmsghdr *c = CMSG_FIRSTHDR(&message); n > 0 && c; c = CMSG_NXTHDR(&message, c))
    if (c->cmsg_level == SOL_UDP && c->cmsg_type == UDP_GRO && c->cmsg_len >= CMSG_LEN(sizeof(int))) {
      int size;
      memcpy(&size, CMSG_DATA(c), sizeof size);
      if (size > 0)
        *segment = (size_t)size;
    }
  return n;
}

static void on_event(sc_loop *loop, sc_watch_id id, int fd, unsigned events, void *context) {
  struct udp_socket *s = context;
  for (int round = 0; round < RECEIVES_PER_WAKE && s->run->window.phase != DONE; round++) {
    size_t segment;
    ssize_t n = receive(s, &segment);
    if (n < 0) {
      /* EAGAIN: drained. ECONNREFUSED: an ICMP port unreachable for an
       * earlier datagram (a connected socket reports it); that datagram
       * times out. EINTR: read again. */
      if (errno == EINTR || errno == ECONNREFUSED)
        continue;
      break;
    }
    if (measuring(s->run))
      s->run->result->receives++;
    if (n == 0) {
      on_reply(s, s->run->in, 0);
      continue;
    }
    for (size_t offset = 0; offset < (size_t)n && s->run->window.phase != DONE; offset += segment) {
      size_t length = (size_t)n - offset < segment ? (size_t)n - offset : segment;
      on_reply(s, s->run->in + offset, length);
    }
  }
  if (s->refill_count)
    send_refills(s);
}

/* Every slot unanswered past the timeout is lost and sends again. */
static void on_sweep(sc_loop *loop, sc_watch_id id, void *context) {
  struct run *run = context;
  uint64_t now = lg__now_ns();
  for (unsigned i = 0; i < run->config->sockets; i++) {
    struct udp_socket *s = &run->sockets[i];
    for (uint32_t index = 0; index < run->config->depth; index++) {
      struct slot *slot = &s->slots[index];
      if (!slot->in_flight || now - slot->sent_ns < run->config->timeout_ns)
        continue;
      if (measuring(run))
        run->result->lost++;
      send_slot(s, index);
    }
  }
}

static bool valid(const lg_udp_config *config) {
  return config && config->address && config->sockets >= 1 && config->sockets <= LG_UDP_MAX_SOCKETS &&
         config->size >= LG_UDP_HEADER && config->size <= LG_UDP_MAX_SIZE && config->depth >= 1 &&
         config->depth <= LG_MAX_DEPTH && config->timeout_ns > 0 && config->duration_ns > 0;
}

/* A UDP socket connected to the server: it receives only the server's
 * datagrams, and send needs no address. */
static int open_socket(struct run *run, struct udp_socket *s) {
  const lg_udp_config *config = run->config;
  s->fd = socket(config->address->sa_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (s->fd < 0)
    return -errno;
  /* Room for every datagram in flight, of the largest size, either way. */
  int buffer = (int)(config->depth * (config->size + 1024u));
  if (buffer < 256 * 1024)
    buffer = 256 * 1024;
  setsockopt(s->fd, SOL_SOCKET, SO_RCVBUF, &buffer, sizeof buffer);
  setsockopt(s->fd, SOL_SOCKET, SO_SNDBUF, &buffer, sizeof buffer);
  if (config->batched) {
    int on = 1;
    if (setsockopt(s->fd, SOL_UDP, UDP_GRO, &on, sizeof on) < 0)
      return -errno;
  }
  if (connect(s->fd, config->address, config->address_length) < 0)
    return -errno;
  s->slots = calloc(config->depth, sizeof *s->slots);
  s->refills = calloc(config->depth, sizeof *s->refills);
  if (s->slots == NULL || s->refills == NULL)
    return -ENOMEM;
  return sc_loop_watch(run->loop, s->fd, SC_READABLE, on_event, s, &s->id);
}

static void finish_samples(struct run *run, int *rc) {
  if (*rc != 0)
    return;
  lg_udp_result *result = run->result;
  *rc = lg__summarise_latency(run->samples, run->sample_count, &result->p50_ns, &result->p90_ns, &result->p99_ns,
                              &result->max_ns);
}

int lg_udp_run(const lg_udp_config *config, lg_udp_result *result) {
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
  run->sockets = calloc(config->sockets, sizeof *run->sockets);
  int rc = run->sockets ? sc_loop_new(&run->loop) : -ENOMEM;
  if (rc < 0) {
    free(run->sockets);
    free(run);
    return rc;
  }
  run->window.loop = run->loop;
  run->segments = true;
  for (unsigned i = 0; i < config->sockets; i++)
    run->sockets[i] = (struct udp_socket){.run = run, .index = i, .fd = -1};
  for (unsigned i = 0; i < config->sockets && rc == 0; i++)
    rc = open_socket(run, &run->sockets[i]);
  if (rc == 0) {
    /* The sweep runs a few times per timeout, so a loss is seen at most a
     * quarter timeout late. */
    uint64_t sweep = config->timeout_ns / 4 ? config->timeout_ns / 4 : 1;
    rc = sc_loop_timer(run->loop, sweep, sweep, on_sweep, run, &run->sweep_timer);
  }
  if (rc == 0) {
    /* No connecting phase: a datagram socket is ready at once. The connect
     * timer the window cancels was never set (id 0 is no registration). */
    lg__window_warm_up(&run->window);
    for (unsigned i = 0; i < config->sockets; i++) {
      for (uint32_t index = 0; index < config->depth; index++)
        refill(&run->sockets[i], index);
      send_refills(&run->sockets[i]);
    }
    rc = sc_loop_run(run->loop, SC_RUN_DEFAULT);
    if (rc == 0)
      rc = run->error;
  }
  for (unsigned i = 0; i < config->sockets; i++) {
    struct udp_socket *s = &run->sockets[i];
    if (s->id)
      sc_loop_unwatch(run->loop, s->id);
    if (s->fd >= 0)
      close(s->fd);
    free(s->slots);
    free(s->refills);
  }
  finish_samples(run, &rc);
  sc_loop_free(run->loop);
  free(run->samples);
  free(run->sockets);
  free(run);
  return rc;
}
