/*
 * The epoll event loop: registrations, dispatch, wake-up and stop.
 * Modelled on the small backends of redis (ae_epoll.c) and libuv, with a
 * registration id in every epoll event; see sockcore.h for the contract.
 */
#define _GNU_SOURCE
#include "loop_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

uint64_t sc__monotonic_ns(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}

/* An id is (generation << 32) | (slot index + 1), so that 0 is never one. */
sc_watch_id sc__slot_id(const sc_loop *loop, uint32_t index) {
  return ((uint64_t)loop->slots[index].generation << 32) | (uint64_t)(index + 1);
}

struct sc__slot *sc__slot_find(sc_loop *loop, sc_watch_id id, enum sc__slot_kind kind) {
  uint32_t low = (uint32_t)id;
  if (low == 0 || low > loop->slot_count)
    return NULL;
  struct sc__slot *slot = &loop->slots[low - 1];
  if (slot->kind != kind || slot->generation != (uint32_t)(id >> 32))
    return NULL;
  return slot;
}

int sc__slot_take(sc_loop *loop, uint32_t *index) {
  if (loop->free_head == SC__NO_SLOT) {
    uint32_t old = loop->slot_count;
    uint32_t grown = old ? old * 2 : 64;
    if (grown > (UINT32_MAX >> 1))
      return -ENOMEM;
    struct sc__slot *slots = realloc(loop->slots, grown * sizeof *slots);
    if (slots == NULL)
      return -ENOMEM;
    memset(slots + old, 0, (grown - old) * sizeof *slots);
    for (uint32_t i = old; i < grown; i++)
      slots[i].next_free = i + 1 < grown ? i + 1 : SC__NO_SLOT;
    loop->slots = slots;
    loop->slot_count = grown;
    loop->free_head = old;
  }
  *index = loop->free_head;
  loop->free_head = loop->slots[*index].next_free;
  return 0;
}

void sc__slot_release(sc_loop *loop, uint32_t index) {
  struct sc__slot *slot = &loop->slots[index];
  uint32_t generation = slot->generation + 1;
  memset(slot, 0, sizeof *slot);
  slot->generation = generation;
  slot->fd = -1;
  slot->next_free = loop->free_head;
  loop->free_head = index;
}

static uint32_t epoll_events(unsigned events) {
  uint32_t e = 0;
  if (events & SC_READABLE)
    e |= EPOLLIN | EPOLLRDHUP;
  if (events & SC_WRITABLE)
    e |= EPOLLOUT;
  if (events & SC_EDGE)
    e |= EPOLLET;
  return e;
}

static unsigned sc_events(uint32_t e) {
  unsigned events = 0;
  if (e & (EPOLLIN | EPOLLPRI))
    events |= SC_READABLE;
  if (e & EPOLLOUT)
    events |= SC_WRITABLE;
  if (e & (EPOLLHUP | EPOLLRDHUP))
    events |= SC_HANGUP;
  if (e & EPOLLERR)
    events |= SC_ERROR;
  return events;
}

static int add_watch(sc_loop *loop, int fd, uint8_t kind, unsigned events, sc_watch_id *out,
                     uint32_t *taken) {
  uint32_t index;
  int rc = sc__slot_take(loop, &index);
  if (rc < 0)
    return rc;
  struct epoll_event event = {.events = epoll_events(events), .data.u64 = sc__slot_id(loop, index)};
  if (epoll_ctl(loop->epoll_fd, EPOLL_CTL_ADD, fd, &event) < 0) {
    rc = -errno;
    loop->slots[index].next_free = loop->free_head;
    loop->free_head = index;
    return rc;
  }
  struct sc__slot *slot = &loop->slots[index];
  slot->kind = kind;
  slot->fd = fd;
  slot->events = events;
  *taken = index;
  if (out)
    *out = event.data.u64;
  return 0;
}

int sc__watch_internal(sc_loop *loop, int fd, void (*fn)(sc_loop *loop), sc_watch_id *out) {
  uint32_t index;
  int rc = add_watch(loop, fd, SC__INTERNAL, SC_READABLE, out, &index);
  if (rc == 0)
    loop->slots[index].fn.internal = fn;
  return rc;
}

static void drain_wake(sc_loop *loop) {
  uint64_t count;
  while (read(loop->wake_fd, &count, sizeof count) < 0 && errno == EINTR) {
  }
  atomic_store(&loop->wake_pending, false);
  if (loop->on_wake)
    loop->on_wake(loop, loop->on_wake_context);
}

int sc_loop_new(sc_loop **out) {
  if (out == NULL)
    return -EINVAL;
  sc_loop *loop = calloc(1, sizeof *loop);
  if (loop == NULL)
    return -ENOMEM;
  loop->free_head = SC__NO_SLOT;
  loop->signal_fd = -1;
  sigemptyset(&loop->signals);
  loop->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
  if (loop->epoll_fd < 0) {
    int rc = -errno;
    free(loop);
    return rc;
  }
  loop->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  int rc = loop->wake_fd < 0 ? -errno : sc__watch_internal(loop, loop->wake_fd, drain_wake, NULL);
  if (rc < 0) {
    sc_loop_free(loop);
    return rc;
  }
  loop->now_ns = sc__monotonic_ns();
  *out = loop;
  return 0;
}

void sc_loop_free(sc_loop *loop) {
  if (loop == NULL)
    return;
  if (loop->wake_fd >= 0)
    close(loop->wake_fd);
  if (loop->signal_fd >= 0)
    close(loop->signal_fd);
  close(loop->epoll_fd);
  sc__timer_free_all(loop);
  free(loop->slots);
  free(loop);
}

int sc_loop_watch(sc_loop *loop, int fd, unsigned events, sc_io_fn fn, void *context, sc_watch_id *out) {
  if (loop == NULL || fn == NULL || fd < 0 || (events & ~(SC_READABLE | SC_WRITABLE | SC_EDGE)))
    return -EINVAL;
  uint32_t index;
  int rc = add_watch(loop, fd, SC__IO, events, out, &index);
  if (rc < 0)
    return rc;
  loop->slots[index].fn.io = fn;
  loop->slots[index].context = context;
  loop->active++;
  return 0;
}

int sc_loop_modify(sc_loop *loop, sc_watch_id id, unsigned events) {
  if (loop == NULL || (events & ~(SC_READABLE | SC_WRITABLE | SC_EDGE)))
    return -EINVAL;
  struct sc__slot *slot = sc__slot_find(loop, id, SC__IO);
  if (slot == NULL)
    return -ENOENT;
  if (slot->events == events)
    return 0;
  struct epoll_event event = {.events = epoll_events(events), .data.u64 = id};
  if (epoll_ctl(loop->epoll_fd, EPOLL_CTL_MOD, slot->fd, &event) < 0)
    return -errno;
  slot->events = events;
  return 0;
}

int sc_loop_unwatch(sc_loop *loop, sc_watch_id id) {
  if (loop == NULL)
    return -EINVAL;
  struct sc__slot *slot = sc__slot_find(loop, id, SC__IO);
  if (slot == NULL)
    return -ENOENT;
  int rc = epoll_ctl(loop->epoll_fd, EPOLL_CTL_DEL, slot->fd, NULL) < 0 ? -errno : 0;
  /* EBADF: the descriptor was closed first, and the kernel dropped it from
   * the set by itself (unless the file is open elsewhere, see sockcore.h).
   * ENOENT: closed, and the number reused by a descriptor this loop does not
   * watch. Either way nothing of the registration is left to remove. */
  if (rc == -EBADF || rc == -ENOENT)
    rc = 0;
  sc__slot_release(loop, (uint32_t)id - 1);
  loop->active--;
  return rc;
}

int sc_loop_forget(sc_loop *loop, sc_watch_id id) {
  if (loop == NULL)
    return -EINVAL;
  if (sc__slot_find(loop, id, SC__IO) == NULL)
    return -ENOENT;
  /* No EPOLL_CTL_DEL: the caller closes the descriptor next, and the kernel
   * drops the registration when the last descriptor of the open file goes.
   * Should the file outlive the close (a child of fork or posix_spawn holds
   * it until its exec closes the CLOEXEC copy), the registration outlives it
   * too and may still report; its events carry this id, whose generation
   * the released slot no longer has, so dispatch drops them even when the
   * slot is reused (a reused descriptor number is a new registration: epoll
   * keys on the file and the number). */
  sc__slot_release(loop, (uint32_t)id - 1);
  loop->active--;
  return 0;
}

void sc_loop_on_wake(sc_loop *loop, sc_wake_fn fn, void *context) {
  if (loop == NULL)
    return;
  loop->on_wake = fn;
  loop->on_wake_context = context;
}

int sc_loop_wake(sc_loop *loop) {
  if (loop == NULL)
    return -EINVAL;
  /* One write per burst of wake-ups: the eventfd counter coalesces anyway. */
  if (atomic_exchange(&loop->wake_pending, true))
    return 0;
  uint64_t one = 1;
  while (write(loop->wake_fd, &one, sizeof one) < 0) {
    if (errno == EINTR)
      continue;
    return errno == EAGAIN ? 0 : -errno; /* EAGAIN: the counter is full, a wake is pending */
  }
  return 0;
}

void sc_loop_stop(sc_loop *loop) {
  if (loop == NULL)
    return;
  atomic_store(&loop->stop_requested, true);
  sc_loop_wake(loop);
}

size_t sc_loop_active(const sc_loop *loop) { return loop ? loop->active : 0; }

uint64_t sc_loop_now(const sc_loop *loop) { return loop ? loop->now_ns : 0; }

static void dispatch(sc_loop *loop, const struct epoll_event *event) {
  sc_watch_id id = event->data.u64;
  uint32_t low = (uint32_t)id;
  if (low == 0 || low > loop->slot_count)
    return;
  struct sc__slot *slot = &loop->slots[low - 1];
  /* Unwatched earlier in this round (and perhaps reused): stale, dropped. */
  if (slot->generation != (uint32_t)(id >> 32))
    return;
  if (slot->kind == SC__IO)
    slot->fn.io(loop, id, slot->fd, sc_events(event->events), slot->context);
  else if (slot->kind == SC__INTERNAL)
    slot->fn.internal(loop);
}

/* epoll_wait's timeout in ms for a wait of `ns` (-1: forever), rounded up
 * so that a timer is never found not yet due and waited for again at 0. */
static int timeout_ms(int64_t ns) {
  if (ns < 0)
    return -1;
  int64_t ms = (ns + 999999) / 1000000;
  return ms > INT32_MAX ? INT32_MAX : (int)ms;
}

/* The rounds of sc_loop_run: 0 when stopped or when the mode's one round is
 * done, or epoll_wait's negative errno. */
static int run_rounds(sc_loop *loop, int mode) {
  struct epoll_event events[SC__EVENTS];
  for (;;) {
    if (atomic_exchange(&loop->stop_requested, false))
      return 0;
    int timeout = mode == SC_RUN_NOWAIT ? 0 : timeout_ms(sc__timer_timeout_ns(loop));
    int count = epoll_wait(loop->epoll_fd, events, SC__EVENTS, timeout);
    if (count < 0) {
      if (errno == EINTR)
        continue;
      return -errno;
    }
    loop->now_ns = sc__monotonic_ns();
    for (int i = 0; i < count; i++)
      dispatch(loop, &events[i]);
    sc__timer_run_due(loop);
    if (mode != SC_RUN_DEFAULT)
      return 0;
  }
}

int sc_loop_run(sc_loop *loop, int mode) {
  if (loop == NULL || mode < SC_RUN_DEFAULT || mode > SC_RUN_NOWAIT)
    return -EINVAL;
  /* A nested run would dispatch events of the outer round's batch twice. */
  if (loop->running)
    return -EBUSY;
  loop->running = true;
  int rc = run_rounds(loop, mode);
  loop->running = false;
  return rc;
}
