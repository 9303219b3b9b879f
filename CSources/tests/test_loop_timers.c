/* The event loop's timers: removal from the middle of the heap, timers
 * cancelled by a timer due in the same round, far deadlines, and runs that
 * wait for a timer. */
#define _GNU_SOURCE
#include "loop_helpers.h"
#include "runner.h"
#include "sockcore.h"

#include <errno.h>
#include <stdint.h>
#include <time.h>

#define TIMERS 300

static uint64_t monotonic_now(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}

struct fired {
  uint64_t deadline[TIMERS]; /* planned, relative to the start */
  int order[TIMERS];
  int count;
};

struct one_timer {
  struct fired *fired;
  int index;
};

static void record(sc_loop *loop, sc_watch_id id, void *context) {
  struct one_timer *t = context;
  ASSERT(t->fired->count < TIMERS);
  t->fired->order[t->fired->count++] = t->index;
}

/* Deadlines from a fixed pseudo-random sequence; every third timer is
 * cancelled, which takes entries out of the middle of the heap. Those left
 * fire once each, in deadline order (start order among equals). */
SC_TEST(loop_timers_cancelled_from_the_middle_of_the_heap) {
  sc_loop *loop;
  ASSERT_EQ(sc_loop_new(&loop), 0);
  static struct fired fired;
  static struct one_timer timers[TIMERS];
  sc_watch_id ids[TIMERS];
  uint32_t state = 12345;
  uint64_t first_start = sc_loop_now(loop);
  for (int i = 0; i < TIMERS; i++) {
    state = state * 1103515245u + 12345u;
    fired.deadline[i] = (uint64_t)((state >> 16) % 8) * 5000000u; /* 0 .. 35 ms, many equal */
    timers[i] = (struct one_timer){&fired, i};
    ASSERT_EQ(sc_loop_timer(loop, fired.deadline[i], 0, record, &timers[i], &ids[i]), 0);
  }
  /* Deadlines count from each start, so two timers whose delays differ by
   * less than the time it took to start them all may fire either way. */
  uint64_t span = monotonic_now() - first_start;
  int kept = 0;
  for (int i = 0; i < TIMERS; i++) {
    if (i % 3 == 1)
      ASSERT_EQ(sc_loop_timer_cancel(loop, ids[i]), 0);
    else
      kept++;
  }
  ASSERT_EQ(sc_loop_active(loop), kept);
  for (int rounds = 0; sc_loop_active(loop) > 0; rounds++) {
    ASSERT(rounds < 1000);
    ASSERT_EQ(sc_loop_run(loop, SC_RUN_ONCE), 0);
  }
  ASSERT_EQ(fired.count, kept);
  ASSERT(span < 5000000u); /* or the check below proves little */
  for (int k = 0; k < fired.count; k++) {
    int a = fired.order[k];
    ASSERT(a % 3 != 1);
    for (int l = k + 1; l < fired.count; l++) {
      int b = fired.order[l];
      ASSERT(fired.deadline[b] + span >= fired.deadline[a]); /* no later delay fired first */
      if (fired.deadline[a] == fired.deadline[b])
        ASSERT(a < b); /* equal delays: in start order */
    }
  }
  sc_loop_free(loop);
}

struct pair_of_timers {
  sc_watch_id other;
  int calls[2];
  int index_of_first;
};

struct pair_member {
  struct pair_of_timers *pair;
  int index;
};

static void cancel_the_other(sc_loop *loop, sc_watch_id id, void *context) {
  struct pair_member *m = context;
  m->pair->calls[m->index]++;
  if (m->index == 0) {
    ASSERT_EQ(sc_loop_timer_cancel(loop, m->pair->other), 0);
    ASSERT_EQ(sc_loop_timer_cancel(loop, id), -ENOENT); /* a one-shot is gone once it runs */
  }
}

/* Two timers due in the same round: the first cancels the second, which
 * then does not run. */
SC_TEST(loop_timer_cancels_another_due_in_the_same_round) {
  sc_loop *loop;
  ASSERT_EQ(sc_loop_new(&loop), 0);
  struct pair_of_timers pair = {0};
  struct pair_member first = {&pair, 0}, second = {&pair, 1};
  ASSERT_EQ(sc_loop_timer(loop, 0, 0, cancel_the_other, &first, NULL), 0);
  ASSERT_EQ(sc_loop_timer(loop, 0, 0, cancel_the_other, &second, &pair.other), 0);
  ASSERT_EQ(sc_loop_run(loop, SC_RUN_ONCE), 0);
  ASSERT_EQ(pair.calls[0], 1);
  ASSERT_EQ(pair.calls[1], 0);
  ASSERT_EQ(sc_loop_active(loop), 0);
  sc_loop_free(loop);
}

static void count_calls(sc_loop *loop, sc_watch_id id, void *context) { (*(int *)context)++; }

/* A delay beyond the clock's range means never, not a wrap into the past;
 * sc_loop_free releases timers still pending. */
SC_TEST(loop_timer_far_in_the_future_does_not_fire) {
  sc_loop *loop;
  ASSERT_EQ(sc_loop_new(&loop), 0);
  int calls = 0;
  sc_watch_id far;
  ASSERT_EQ(sc_loop_timer(loop, UINT64_MAX, 0, count_calls, &calls, &far), 0);
  ASSERT_EQ(sc_loop_timer(loop, UINT64_MAX - 5, UINT64_MAX, count_calls, &calls, NULL), 0);
  for (int round = 0; round < 3; round++)
    ASSERT_EQ(sc_loop_run(loop, SC_RUN_NOWAIT), 0);
  ASSERT_EQ(calls, 0);
  ASSERT_EQ(sc_loop_active(loop), 2);
  ASSERT_EQ(sc_loop_timer_cancel(loop, far), 0);
  sc_loop_free(loop); /* with one timer left: ASan checks nothing leaks */
}

/* SC_RUN_ONCE with only a timer waits for it, and no longer than needed;
 * a repeating timer keeps its period. */
SC_TEST(loop_run_once_waits_for_the_next_timer) {
  sc_loop *loop;
  ASSERT_EQ(sc_loop_new(&loop), 0);
  int calls = 0;
  ASSERT_EQ(sc_loop_timer(loop, 20000000u, 0, count_calls, &calls, NULL), 0);
  uint64_t start = sc_loop_now(loop);
  ASSERT_EQ(sc_loop_run(loop, SC_RUN_ONCE), 0);
  ASSERT_EQ(calls, 1);
  ASSERT(sc_loop_now(loop) - start >= 20000000u); /* never early */

  int ticks = 0;
  sc_watch_id tick;
  ASSERT_EQ(sc_loop_timer(loop, 10000000u, 10000000u, count_calls, &ticks, &tick), 0);
  start = sc_loop_now(loop);
  while (ticks < 5)
    ASSERT_EQ(sc_loop_run(loop, SC_RUN_ONCE), 0);
  ASSERT(sc_loop_now(loop) - start >= 50000000u);
  ASSERT_EQ(sc_loop_active(loop), 1);
  ASSERT_EQ(sc_loop_timer_cancel(loop, tick), 0);
  sc_loop_free(loop);
}
