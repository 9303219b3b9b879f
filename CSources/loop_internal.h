/*
 * The event loop's state, shared by loop.c (descriptors, run),
 * loop_timer.c (the timer heap) and loop_signal.c (signalfd).
 */
#ifndef SOCKCORE_LOOP_INTERNAL_H
#define SOCKCORE_LOOP_INTERNAL_H

/* sigset_t, epoll, signalfd: include this header first. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include "include/sockcore.h"

#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

/* What a registration slot holds. */
enum sc__slot_kind { SC__FREE = 0, SC__IO, SC__TIMER, SC__INTERNAL };

struct sc__slot {
  uint32_t generation; /* bumped when the slot is freed: old ids go stale */
  uint8_t kind;
  int fd;
  unsigned events;
  void *context;
  union {
    sc_io_fn io;
    sc_timer_fn timer;
    void (*internal)(sc_loop *loop);
  } fn;
  /* Timers: the deadline, the period and the entry's place in the heap. */
  uint64_t deadline_ns;
  uint64_t repeat_ns;
  uint32_t heap_index;
  uint32_t next_free; /* free slots: the free list's link */
};

/* Every watched connection costs one slot: keep it small. */
_Static_assert(sizeof(struct sc__slot) <= 56, "a registration slot grew");

struct sc__heap_entry {
  uint64_t deadline_ns;
  uint64_t sequence; /* start order, so equal deadlines fire in order */
  uint32_t slot;     /* the timer's slot, which holds heap_index back */
};

#define SC__EVENTS 256
#define SC__NO_SLOT UINT32_MAX

struct sc_loop {
  int epoll_fd;
  int wake_fd;   /* eventfd */
  int signal_fd; /* signalfd, -1 until a signal is registered */
  struct sc__slot *slots;
  uint32_t slot_count;
  uint32_t free_head;
  size_t active;   /* caller's registrations */
  struct sc__heap_entry *heap;
  size_t heap_count, heap_capacity;
  uint64_t timer_sequence;
  uint64_t now_ns;
  bool running; /* inside sc_loop_run: it is not re-entrant */
  atomic_bool stop_requested;
  atomic_bool wake_pending;
  sc_wake_fn on_wake;
  void *on_wake_context;
  sigset_t signals;
  sc_signal_fn signal_fns[65];
  void *signal_contexts[65];
  sc_watch_id signal_watch;
};

uint64_t sc__monotonic_ns(void);
int sc__slot_take(sc_loop *loop, uint32_t *index);
void sc__slot_release(sc_loop *loop, uint32_t index);
struct sc__slot *sc__slot_find(sc_loop *loop, sc_watch_id id, enum sc__slot_kind kind);
sc_watch_id sc__slot_id(const sc_loop *loop, uint32_t index);
int sc__watch_internal(sc_loop *loop, int fd, void (*fn)(sc_loop *loop), sc_watch_id *out);

/* Timers (loop_timer.c). */
int64_t sc__timer_timeout_ns(const sc_loop *loop); /* -1: none pending */
void sc__timer_run_due(sc_loop *loop);
void sc__timer_remove(sc_loop *loop, uint32_t slot);
void sc__timer_free_all(sc_loop *loop);

#endif
