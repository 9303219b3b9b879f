/* The event loop: what callbacks may do (unwatch anyone, including
 * registrations in the same batch), edge-triggered writability, refused
 * arguments, and a loop that is not re-entrant. */
#define _GNU_SOURCE
#include "loop_helpers.h"
#include "runner.h"
#include "sockcore.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#define WATCHES 8

/* Eight readable descriptors come in one batch; whichever callback runs
 * first unwatches all the others (without closing them): they must not be
 * called back, in this round or later. */
struct crowd {
  sc_watch_id ids[WATCHES];
  int fds[WATCHES][2];
  int calls[WATCHES];
};

static void unwatch_everyone_else(sc_loop *loop, sc_watch_id id, int fd, unsigned events, void *context) {
  struct crowd *crowd = context;
  for (int i = 0; i < WATCHES; i++) {
    if (crowd->ids[i] == id) {
      crowd->calls[i]++;
      continue;
    }
    int rc = sc_loop_unwatch(loop, crowd->ids[i]);
    ASSERT(rc == 0 || rc == -ENOENT); /* -ENOENT from the second call on */
  }
}

SC_TEST(loop_callback_unwatches_others_in_the_same_batch) {
  int before = open_descriptors();
  sc_loop *loop;
  ASSERT_EQ(sc_loop_new(&loop), 0);
  struct crowd crowd = {0};
  for (int i = 0; i < WATCHES; i++) {
    pair(crowd.fds[i]);
    ASSERT_EQ(write(crowd.fds[i][1], "x", 1), 1);
    ASSERT_EQ(sc_loop_watch(loop, crowd.fds[i][0], SC_READABLE, unwatch_everyone_else, &crowd, &crowd.ids[i]), 0);
  }
  ASSERT_EQ(sc_loop_active(loop), WATCHES);
  for (int round = 0; round < 3; round++)
    ASSERT_EQ(sc_loop_run(loop, SC_RUN_NOWAIT), 0);
  int called = -1, total = 0;
  for (int i = 0; i < WATCHES; i++) {
    total += crowd.calls[i];
    if (crowd.calls[i])
      called = i;
  }
  ASSERT(called >= 0);
  ASSERT_EQ(crowd.calls[called], 3); /* level-triggered, its byte still unread */
  ASSERT_EQ(total, 3);               /* and nobody else, ever */
  ASSERT_EQ(sc_loop_active(loop), 1);
  ASSERT_EQ(sc_loop_unwatch(loop, crowd.ids[called]), 0);
  ASSERT_EQ(sc_loop_active(loop), 0);
  sc_loop_free(loop);
  for (int i = 0; i < WATCHES; i++)
    close(crowd.fds[i][0]), close(crowd.fds[i][1]);
  ASSERT_EQ(open_descriptors(), before);
}

/* A callback that unwatches and closes its own descriptor. */
static void close_self(sc_loop *loop, sc_watch_id id, int fd, unsigned events, void *context) {
  ASSERT_EQ(sc_loop_unwatch(loop, id), 0);
  close(fd);
  (*(int *)context)++;
}

SC_TEST(loop_callback_unwatches_and_closes_itself) {
  int before = open_descriptors();
  sc_loop *loop;
  ASSERT_EQ(sc_loop_new(&loop), 0);
  int fds[2], calls = 0;
  pair(fds);
  ASSERT_EQ(sc_loop_watch(loop, fds[0], SC_READABLE | SC_WRITABLE, close_self, &calls, NULL), 0);
  for (int round = 0; round < 3; round++)
    ASSERT_EQ(sc_loop_run(loop, SC_RUN_NOWAIT), 0);
  ASSERT_EQ(calls, 1);
  ASSERT_EQ(sc_loop_active(loop), 0);
  close(fds[1]);
  sc_loop_free(loop);
  ASSERT_EQ(open_descriptors(), before);
}

/* Closing before unwatching is a caller's mistake the loop survives: the
 * kernel has dropped the descriptor, and the id is released all the same. */
SC_TEST(loop_unwatch_after_close_releases_the_id) {
  sc_loop *loop;
  ASSERT_EQ(sc_loop_new(&loop), 0);
  int fds[2], calls = 0;
  pair(fds);
  sc_watch_id id;
  ASSERT_EQ(sc_loop_watch(loop, fds[0], SC_READABLE, close_self, &calls, &id), 0);
  close(fds[0]);
  ASSERT_EQ(sc_loop_unwatch(loop, id), 0);
  ASSERT_EQ(sc_loop_unwatch(loop, id), -ENOENT);
  ASSERT_EQ(sc_loop_active(loop), 0);
  ASSERT_EQ(sc_loop_run(loop, SC_RUN_NOWAIT), 0); /* the peer is readable (EOF): no one hears */
  ASSERT_EQ(calls, 0);
  close(fds[1]);
  sc_loop_free(loop);
}

struct writer {
  int calls;
  unsigned last;
};

static void note_writable(sc_loop *loop, sc_watch_id id, int fd, unsigned events, void *context) {
  struct writer *w = context;
  w->calls++;
  w->last = events;
}

/* Edge-triggered writability: reported once when armed, then not again
 * until the send buffer, once full, has room again. */
SC_TEST(loop_edge_triggered_writable_after_the_buffer_drains) {
  int before = open_descriptors();
  sc_loop *loop;
  ASSERT_EQ(sc_loop_new(&loop), 0);
  int fds[2];
  pair(fds);
  struct writer w = {0};
  sc_watch_id id;
  ASSERT_EQ(sc_loop_watch(loop, fds[0], SC_WRITABLE | SC_EDGE, note_writable, &w, &id), 0);
  for (int round = 0; round < 3; round++)
    ASSERT_EQ(sc_loop_run(loop, SC_RUN_NOWAIT), 0);
  ASSERT_EQ(w.calls, 1);
  ASSERT(w.last & SC_WRITABLE);

  static char block[4096];
  long written = 0;
  for (int i = 0; i < 100000; i++) { /* bounded: the buffer is far smaller */
    ssize_t n = write(fds[0], block, sizeof block);
    if (n < 0) {
      ASSERT_EQ(errno, EAGAIN);
      break;
    }
    written += n;
  }
  ASSERT(written > 0);
  ASSERT_EQ(sc_loop_run(loop, SC_RUN_NOWAIT), 0);
  ASSERT_EQ(w.calls, 1); /* full: nothing to report */
  for (long drained = 0; drained < written;) {
    ssize_t n = read(fds[1], block, sizeof block);
    ASSERT(n > 0);
    drained += n;
  }
  ASSERT_EQ(sc_loop_run(loop, SC_RUN_ONCE), 0);
  ASSERT_EQ(w.calls, 2);
  ASSERT(w.last & SC_WRITABLE);
  /* Disarmed: level-triggered readable only, and nothing to read. */
  ASSERT_EQ(sc_loop_modify(loop, id, SC_READABLE), 0);
  ASSERT_EQ(sc_loop_modify(loop, id, SC_READABLE), 0); /* unchanged: no call */
  ASSERT_EQ(sc_loop_run(loop, SC_RUN_NOWAIT), 0);
  ASSERT_EQ(w.calls, 2);
  ASSERT_EQ(sc_loop_unwatch(loop, id), 0);
  sc_loop_free(loop);
  close(fds[0]), close(fds[1]);
  ASSERT_EQ(open_descriptors(), before);
}

static void run_inside(sc_loop *loop, sc_watch_id id, int fd, unsigned events, void *context) {
  *(int *)context = sc_loop_run(loop, SC_RUN_NOWAIT);
}

static void nothing(sc_loop *loop, sc_watch_id id, int fd, unsigned events, void *context) {}

static void no_timer(sc_loop *loop, sc_watch_id id, void *context) {}

SC_TEST(loop_refuses_bad_arguments_and_nested_runs) {
  int before = open_descriptors();
  sc_loop *loop;
  ASSERT_EQ(sc_loop_new(&loop), 0);
  int fds[2];
  pair(fds);
  sc_watch_id id = 0;
  ASSERT_EQ(sc_loop_watch(NULL, fds[0], SC_READABLE, nothing, NULL, &id), -EINVAL);
  ASSERT_EQ(sc_loop_watch(loop, -1, SC_READABLE, nothing, NULL, &id), -EINVAL);
  ASSERT_EQ(sc_loop_watch(loop, fds[0], SC_READABLE, NULL, NULL, &id), -EINVAL);
  ASSERT_EQ(sc_loop_watch(loop, fds[0], SC_HANGUP, nothing, NULL, &id), -EINVAL);
  ASSERT_EQ(sc_loop_watch(loop, 1000000, SC_READABLE, nothing, NULL, &id), -EBADF);
  int file = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
  ASSERT(file >= 0);
  ASSERT_EQ(sc_loop_watch(loop, file, SC_READABLE, nothing, NULL, &id), -EPERM); /* no epoll on files */
  close(file);
  ASSERT_EQ(id, 0);
  ASSERT_EQ(sc_loop_active(loop), 0); /* failures leave nothing behind */
  ASSERT_EQ(sc_loop_modify(loop, 0, SC_READABLE), -ENOENT);
  ASSERT_EQ(sc_loop_unwatch(loop, 0), -ENOENT);
  ASSERT_EQ(sc_loop_unwatch(loop, UINT64_MAX), -ENOENT);
  ASSERT_EQ(sc_loop_unwatch(NULL, 1), -EINVAL);
  ASSERT_EQ(sc_loop_timer(loop, 0, 0, NULL, NULL, NULL), -EINVAL);
  ASSERT_EQ(sc_loop_timer(NULL, 0, 0, no_timer, NULL, NULL), -EINVAL);
  ASSERT_EQ(sc_loop_timer_cancel(loop, 12345), -ENOENT);
  ASSERT_EQ(sc_loop_signal(loop, 0, NULL, NULL), -EINVAL);
  ASSERT_EQ(sc_loop_signal(loop, 65, NULL, NULL), -EINVAL);
  ASSERT_EQ(sc_loop_signal(loop, SIGSTOP, NULL, NULL), -EINVAL);
  ASSERT_EQ(sc_loop_run(NULL, SC_RUN_NOWAIT), -EINVAL);
  ASSERT_EQ(sc_loop_run(loop, 7), -EINVAL);
  ASSERT_EQ(sc_loop_wake(NULL), -EINVAL);
  sc_loop_stop(NULL);
  sc_loop_free(NULL);
  ASSERT_EQ(sc_loop_active(NULL), 0);

  /* A watch's id is refused where a timer's is expected, and back. */
  sc_watch_id timer;
  ASSERT_EQ(sc_loop_watch(loop, fds[0], SC_WRITABLE, run_inside, &(int){1}, &id), 0);
  ASSERT_EQ(sc_loop_timer(loop, 1000000000u, 0, no_timer, NULL, &timer), 0);
  ASSERT_EQ(sc_loop_timer_cancel(loop, id), -ENOENT);
  ASSERT_EQ(sc_loop_unwatch(loop, timer), -ENOENT);
  ASSERT_EQ(sc_loop_modify(loop, timer, SC_READABLE), -ENOENT);
  ASSERT_EQ(sc_loop_timer_cancel(loop, timer), 0);
  ASSERT_EQ(sc_loop_unwatch(loop, id), 0);

  int nested = 1;
  ASSERT_EQ(sc_loop_watch(loop, fds[0], SC_WRITABLE, run_inside, &nested, &id), 0);
  ASSERT_EQ(sc_loop_run(loop, SC_RUN_NOWAIT), 0);
  ASSERT_EQ(nested, -EBUSY);
  ASSERT_EQ(sc_loop_unwatch(loop, id), 0);
  ASSERT_EQ(sc_loop_run(loop, SC_RUN_NOWAIT), 0); /* usable again after */
  sc_loop_free(loop);
  close(fds[0]), close(fds[1]);
  ASSERT_EQ(open_descriptors(), before);
}
