/* The event loop from other threads: wake-ups (coalesced) and stops. */
#define _GNU_SOURCE
#include "loop_helpers.h"
#include "runner.h"
#include "sockcore.h"

#include <pthread.h>
#include <stdatomic.h>
#include <time.h>
#include <unistd.h>

struct waker {
  sc_loop *loop;
  atomic_int wakes_seen; /* on_wake calls, as the loop thread counts them */
  int rounds;
};

static void sleep_ms(long ms) {
  struct timespec pause = {ms / 1000, (ms % 1000) * 1000000};
  nanosleep(&pause, NULL);
}

static void on_wake_counted(sc_loop *loop, void *context) {
  struct waker *w = context;
  atomic_fetch_add(&w->wakes_seen, 1);
}

/* Wakes the loop, then waits (bounded) until the loop has seen it before
 * waking it again, so each wake-up must end one blocked SC_RUN_ONCE. */
static void *wake_each_round(void *argument) {
  struct waker *w = argument;
  for (int i = 1; i <= w->rounds; i++) {
    sleep_ms(5);
    ASSERT_EQ(sc_loop_wake(w->loop), 0);
    for (int spins = 0; atomic_load(&w->wakes_seen) < i; spins++) {
      ASSERT(spins < 5000); /* 5 s */
      sleep_ms(1);
    }
  }
  return NULL;
}

SC_TEST(loop_wake_from_another_thread_ends_a_blocked_wait) {
  int before = open_descriptors();
  sc_loop *loop;
  ASSERT_EQ(sc_loop_new(&loop), 0);
  struct waker w = {.loop = loop, .rounds = 5};
  sc_loop_on_wake(loop, on_wake_counted, &w);
  pthread_t thread;
  ASSERT_EQ(pthread_create(&thread, NULL, wake_each_round, &w), 0);
  /* Nothing is watched and no timer runs: only a wake-up ends each wait. */
  for (int i = 1; i <= w.rounds; i++) {
    ASSERT_EQ(sc_loop_run(loop, SC_RUN_ONCE), 0);
    ASSERT_EQ(atomic_load(&w.wakes_seen), i);
  }
  ASSERT_EQ(pthread_join(thread, NULL), 0);
  sc_loop_free(loop);
  ASSERT_EQ(open_descriptors(), before);
}

SC_TEST(loop_wakes_coalesce) {
  sc_loop *loop;
  ASSERT_EQ(sc_loop_new(&loop), 0);
  struct waker w = {.loop = loop};
  sc_loop_on_wake(loop, on_wake_counted, &w);
  for (int i = 0; i < 100; i++)
    ASSERT_EQ(sc_loop_wake(loop), 0);
  ASSERT_EQ(sc_loop_run(loop, SC_RUN_NOWAIT), 0);
  ASSERT_EQ(atomic_load(&w.wakes_seen), 1);
  ASSERT_EQ(sc_loop_run(loop, SC_RUN_NOWAIT), 0);
  ASSERT_EQ(atomic_load(&w.wakes_seen), 1); /* drained */
  ASSERT_EQ(sc_loop_wake(loop), 0);          /* and armed again */
  ASSERT_EQ(sc_loop_run(loop, SC_RUN_NOWAIT), 0);
  ASSERT_EQ(atomic_load(&w.wakes_seen), 2);
  sc_loop_free(loop);
}

struct busy {
  sc_loop *loop;
  atomic_int calls;
};

static void busy_io(sc_loop *loop, sc_watch_id id, int fd, unsigned events, void *context) {
  struct busy *b = context;
  atomic_fetch_add(&b->calls, 1);
}

static void *stop_when_busy(void *argument) {
  struct busy *b = argument;
  for (int spins = 0; atomic_load(&b->calls) < 100; spins++) {
    ASSERT(spins < 5000);
    sleep_ms(1);
  }
  sc_loop_stop(b->loop);
  return NULL;
}

/* A loop busy with a descriptor that is always ready still notices a stop
 * from another thread. */
SC_TEST(loop_stop_from_another_thread_while_busy) {
  int before = open_descriptors();
  sc_loop *loop;
  ASSERT_EQ(sc_loop_new(&loop), 0);
  int fds[2];
  pair(fds);
  struct busy b = {.loop = loop};
  sc_watch_id id;
  ASSERT_EQ(sc_loop_watch(loop, fds[0], SC_WRITABLE, busy_io, &b, &id), 0);
  pthread_t thread;
  ASSERT_EQ(pthread_create(&thread, NULL, stop_when_busy, &b), 0);
  ASSERT_EQ(sc_loop_run(loop, SC_RUN_DEFAULT), 0);
  ASSERT_EQ(pthread_join(thread, NULL), 0);
  ASSERT(atomic_load(&b.calls) >= 100);
  ASSERT_EQ(sc_loop_unwatch(loop, id), 0);
  sc_loop_free(loop);
  close(fds[0]), close(fds[1]);
  ASSERT_EQ(open_descriptors(), before);
}
