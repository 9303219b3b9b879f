/* The event loop: stale events, trigger modes, timers, wake-ups, signals,
 * running out of descriptors, and no leaked descriptors. */
#define _GNU_SOURCE
#include "loop_helpers.h"
#include "runner.h"
#include "sockcore.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct counter {
  int calls;
  unsigned last_events;
  int fd;
};

static void count_io(sc_loop *loop, sc_watch_id id, int fd, unsigned events, void *context) {
  struct counter *counter = context;
  counter->calls++;
  counter->last_events = events;
  counter->fd = fd;
}

SC_TEST(loop_new_and_free_leak_nothing) {
  int before = open_descriptors();
  for (int i = 0; i < 50; i++) {
    sc_loop *loop;
    ASSERT_EQ(sc_loop_new(&loop), 0);
    ASSERT_EQ(sc_loop_active(loop), 0);
    sc_loop_free(loop);
  }
  ASSERT_EQ(open_descriptors(), before);
  ASSERT_EQ(sc_loop_new(NULL), -EINVAL);
}

SC_TEST(loop_level_triggered_repeats_edge_triggered_does_not) {
  sc_loop *loop;
  ASSERT_EQ(sc_loop_new(&loop), 0);
  int level[2], edge[2];
  pair(level);
  pair(edge);
  struct counter lt = {0}, et = {0};
  sc_watch_id a, b;
  ASSERT_EQ(sc_loop_watch(loop, level[0], SC_READABLE, count_io, &lt, &a), 0);
  ASSERT_EQ(sc_loop_watch(loop, edge[0], SC_READABLE | SC_EDGE, count_io, &et, &b), 0);
  ASSERT_EQ(sc_loop_watch(loop, level[0], SC_READABLE, count_io, &lt, NULL), -EEXIST);
  ASSERT_EQ(write(level[1], "x", 1), 1);
  ASSERT_EQ(write(edge[1], "x", 1), 1);
  for (int round = 0; round < 3; round++)
    ASSERT_EQ(sc_loop_run(loop, SC_RUN_NOWAIT), 0);
  ASSERT_EQ(lt.calls, 3); /* the unread byte is reported every round */
  ASSERT_EQ(et.calls, 1); /* only the change is */
  ASSERT(lt.last_events & SC_READABLE);
  ASSERT_EQ(write(edge[1], "y", 1), 1);
  ASSERT_EQ(sc_loop_run(loop, SC_RUN_NOWAIT), 0);
  ASSERT_EQ(et.calls, 2);
  ASSERT_EQ(sc_loop_active(loop), 2);
  ASSERT_EQ(sc_loop_unwatch(loop, a), 0);
  ASSERT_EQ(sc_loop_unwatch(loop, a), -ENOENT);
  ASSERT_EQ(sc_loop_unwatch(loop, b), 0);
  ASSERT_EQ(sc_loop_active(loop), 0);
  sc_loop_free(loop);
  close(level[0]), close(level[1]), close(edge[0]), close(edge[1]);
}

SC_TEST(loop_writable_only_while_armed) {
  sc_loop *loop;
  ASSERT_EQ(sc_loop_new(&loop), 0);
  int fds[2];
  pair(fds);
  struct counter c = {0};
  sc_watch_id id;
  ASSERT_EQ(sc_loop_watch(loop, fds[0], SC_READABLE, count_io, &c, &id), 0);
  ASSERT_EQ(sc_loop_run(loop, SC_RUN_NOWAIT), 0);
  ASSERT_EQ(c.calls, 0); /* writable, but nobody asked */
  ASSERT_EQ(sc_loop_modify(loop, id, SC_READABLE | SC_WRITABLE), 0);
  ASSERT_EQ(sc_loop_run(loop, SC_RUN_NOWAIT), 0);
  ASSERT_EQ(c.calls, 1);
  ASSERT(c.last_events & SC_WRITABLE);
  ASSERT_EQ(sc_loop_modify(loop, id, SC_READABLE), 0);
  ASSERT_EQ(sc_loop_run(loop, SC_RUN_NOWAIT), 0);
  ASSERT_EQ(c.calls, 1);
  ASSERT_EQ(sc_loop_modify(loop, 12345, SC_READABLE), -ENOENT);
  /* The peer closes: readable with a hang-up. */
  close(fds[1]);
  ASSERT_EQ(sc_loop_run(loop, SC_RUN_NOWAIT), 0);
  ASSERT_EQ(c.calls, 2);
  ASSERT(c.last_events & SC_HANGUP);
  sc_loop_free(loop);
  close(fds[0]);
}

/* Two readable descriptors are reported in one round. Whichever callback
 * runs first unwatches and closes the other, then opens a new descriptor
 * (which gets the same number, and the same registration slot) and watches
 * it, readable too. The old descriptor's event, still in the round's batch,
 * must be dropped: the new registration hears nothing until the next round. */
struct stale_case {
  sc_watch_id ids[2];
  int fds[2][2];
  int first_calls;
  int replacement[2];
  sc_watch_id replacement_id;
  struct counter replacement_counter;
};

static void first_wins(sc_loop *loop, sc_watch_id id, int fd, unsigned events, void *context) {
  struct stale_case *c = context;
  c->first_calls++;
  int other = id == c->ids[0] ? 1 : 0;
  ASSERT_EQ(sc_loop_unwatch(loop, c->ids[other]), 0);
  int closed_fd = c->fds[other][0];
  close(c->fds[other][0]);
  close(c->fds[other][1]);
  pair(c->replacement);
  ASSERT_EQ(c->replacement[0], closed_fd); /* the number is reused at once */
  ASSERT_EQ(write(c->replacement[1], "z", 1), 1);
  ASSERT_EQ(sc_loop_watch(loop, c->replacement[0], SC_READABLE, count_io, &c->replacement_counter,
                          &c->replacement_id), 0);
  ASSERT((uint32_t)c->replacement_id == (uint32_t)c->ids[other]);   /* same slot ... */
  ASSERT(c->replacement_id != c->ids[other]);                         /* ... new generation */
  ASSERT_EQ(sc_loop_unwatch(loop, id), 0);
}

SC_TEST(loop_drops_events_of_a_registration_removed_in_the_same_round) {
  int before = open_descriptors();
  sc_loop *loop;
  ASSERT_EQ(sc_loop_new(&loop), 0);
  struct stale_case c = {0};
  for (int i = 0; i < 2; i++) {
    pair(c.fds[i]);
    ASSERT_EQ(write(c.fds[i][1], "x", 1), 1);
    ASSERT_EQ(sc_loop_watch(loop, c.fds[i][0], SC_READABLE, first_wins, &c, &c.ids[i]), 0);
  }
  ASSERT_EQ(sc_loop_run(loop, SC_RUN_ONCE), 0);
  ASSERT_EQ(c.first_calls, 1);
  ASSERT_EQ(c.replacement_counter.calls, 0);
  ASSERT_EQ(sc_loop_run(loop, SC_RUN_NOWAIT), 0);
  ASSERT_EQ(c.replacement_counter.calls, 1);
  ASSERT_EQ(c.replacement_counter.fd, c.replacement[0]);
  ASSERT_EQ(sc_loop_active(loop), 1); /* the first unwatched itself: the replacement is left */
  sc_loop_free(loop);
  for (int i = 0; i < 2; i++) {
    if ((uint32_t)c.ids[i] != (uint32_t)c.replacement_id) /* the pair not closed in the callback */
      close(c.fds[i][0]), close(c.fds[i][1]);
  }
  close(c.replacement[0]), close(c.replacement[1]);
  ASSERT_EQ(open_descriptors(), before);
}

struct timer_log {
  int order[8];
  int count;
  sc_watch_id cancel_me;
  int repeats;
  sc_watch_id repeating;
};

struct tagged {
  struct timer_log *log;
  int tag;
};

static void tagged_timer(sc_loop *loop, sc_watch_id id, void *context) {
  struct tagged *t = context;
  t->log->order[t->log->count++] = t->tag;
  if (t->tag == 1 && t->log->cancel_me)
    ASSERT_EQ(sc_loop_timer_cancel(loop, t->log->cancel_me), 0);
}

static void repeating_timer(sc_loop *loop, sc_watch_id id, void *context) {
  struct timer_log *log = context;
  if (++log->repeats == 3) {
    ASSERT_EQ(sc_loop_timer_cancel(loop, id), 0); /* from its own callback */
    sc_loop_stop(loop);
  }
}

SC_TEST(loop_timers_fire_in_order_repeat_and_cancel) {
  sc_loop *loop;
  ASSERT_EQ(sc_loop_new(&loop), 0);
  struct timer_log log = {0};
  struct tagged t1 = {&log, 1}, t2 = {&log, 2}, t3 = {&log, 3}, t4 = {&log, 4};
  sc_watch_id id3;
  /* 2 and 4 are due together: start order decides. 1 cancels 3. */
  ASSERT_EQ(sc_loop_timer(loop, 30000000, 0, tagged_timer, &t2, NULL), 0);
  ASSERT_EQ(sc_loop_timer(loop, 10000000, 0, tagged_timer, &t1, NULL), 0);
  ASSERT_EQ(sc_loop_timer(loop, 20000000, 0, tagged_timer, &t3, &id3), 0);
  ASSERT_EQ(sc_loop_timer(loop, 30000000, 0, tagged_timer, &t4, NULL), 0);
  log.cancel_me = id3;
  uint64_t start = sc_loop_now(loop);
  while (sc_loop_active(loop) > 0)
    ASSERT_EQ(sc_loop_run(loop, SC_RUN_ONCE), 0);
  ASSERT_EQ(log.count, 3);
  ASSERT_EQ(log.order[0], 1);
  ASSERT_EQ(log.order[1], 2);
  ASSERT_EQ(log.order[2], 4);
  ASSERT(sc_loop_now(loop) - start >= 30000000u);
  ASSERT_EQ(sc_loop_timer_cancel(loop, id3), -ENOENT);

  ASSERT_EQ(sc_loop_timer(loop, 1000000, 1000000, repeating_timer, &log, &log.repeating), 0);
  ASSERT_EQ(sc_loop_run(loop, SC_RUN_DEFAULT), 0);
  ASSERT_EQ(log.repeats, 3);
  ASSERT_EQ(sc_loop_active(loop), 0);
  sc_loop_free(loop);
}

static void *stop_later(void *argument) {
  struct timespec pause = {0, 50000000};
  nanosleep(&pause, NULL);
  sc_loop_stop(argument);
  return NULL;
}

static void note_wake(sc_loop *loop, void *context) { (*(int *)context)++; }

SC_TEST(loop_stop_from_another_thread_wakes_it) {
  sc_loop *loop;
  ASSERT_EQ(sc_loop_new(&loop), 0);
  int wakes = 0;
  sc_loop_on_wake(loop, note_wake, &wakes);
  pthread_t thread;
  ASSERT_EQ(pthread_create(&thread, NULL, stop_later, loop), 0);
  /* Nothing is watched and no timer runs: only the stop can end this. */
  ASSERT_EQ(sc_loop_run(loop, SC_RUN_DEFAULT), 0);
  pthread_join(thread, NULL);
  ASSERT_EQ(wakes, 1);
  /* A stop before the call returns at once. */
  sc_loop_stop(loop);
  ASSERT_EQ(sc_loop_run(loop, SC_RUN_DEFAULT), 0);
  sc_loop_free(loop);
}

static void got_signal(sc_loop *loop, int signo, void *context) {
  *(int *)context = signo;
  sc_loop_stop(loop);
}

SC_TEST(loop_delivers_blocked_signals) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGUSR1);
  ASSERT_EQ(pthread_sigmask(SIG_BLOCK, &set, NULL), 0);
  sc_loop *loop;
  ASSERT_EQ(sc_loop_new(&loop), 0);
  int received = 0;
  ASSERT_EQ(sc_loop_signal(loop, SIGUSR1, got_signal, &received), 0);
  ASSERT_EQ(sc_loop_signal(loop, SIGKILL, got_signal, &received), -EINVAL);
  ASSERT_EQ(kill(getpid(), SIGUSR1), 0);
  ASSERT_EQ(sc_loop_run(loop, SC_RUN_DEFAULT), 0);
  ASSERT_EQ(received, SIGUSR1);
  ASSERT_EQ(sc_loop_active(loop), 0); /* the signalfd is the loop's own */
  sc_loop_free(loop);
}

struct emfile_case {
  int listener;
  int reserve;
  unsigned long shed;
  int callbacks;
  int emfile;
};

static void on_listener(sc_loop *loop, sc_watch_id id, int fd, unsigned events, void *context) {
  struct emfile_case *c = context;
  c->callbacks++;
  int accepted = sc_accept(fd, NULL, NULL, SOCK_NONBLOCK, &c->reserve, &c->shed);
  if (accepted >= 0)
    close(accepted);
  else if (accepted == -EMFILE)
    c->emfile++;
}

static int listen_loopback(struct sockaddr_in *address) {
  int listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  ASSERT(listener >= 0);
  address->sin_family = AF_INET;
  address->sin_port = 0;
  address->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(listener, (struct sockaddr *)address, sizeof *address), 0);
  socklen_t length = sizeof *address;
  ASSERT_EQ(getsockname(listener, (struct sockaddr *)address, &length), 0);
  ASSERT_EQ(listen(listener, 64), 0);
  return listener;
}

/* Out of descriptors, a level-triggered loop on a readable listener would
 * call back forever; sc_accept sheds the waiting connections instead, so
 * the loop goes quiet, the clients see an orderly close, and accepting
 * works again once descriptors are free. */
SC_TEST(loop_sheds_connections_when_out_of_descriptors) {
  int before = open_descriptors();
  struct sockaddr_in address;
  struct emfile_case c = {.reserve = sc_reserve_open()};
  ASSERT(c.reserve >= 0);
  c.listener = listen_loopback(&address);
  sc_loop *loop;
  ASSERT_EQ(sc_loop_new(&loop), 0);
  ASSERT_EQ(sc_loop_watch(loop, c.listener, SC_READABLE, on_listener, &c, NULL), 0);
  int clients[3];
  for (int i = 0; i < 3; i++) {
    clients[i] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    ASSERT_EQ(connect(clients[i], (struct sockaddr *)&address, sizeof address), 0);
  }
  /* Fill the descriptor table. */
  struct rlimit saved, limit;
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &saved), 0);
  limit = saved;
  limit.rlim_cur = (rlim_t)open_descriptors() + 2;
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &limit), 0);
  int filler[16], filled = 0;
  while (filled < 16 && (filler[filled] = open("/dev/null", O_RDONLY | O_CLOEXEC)) >= 0)
    filled++;
  ASSERT(filled < 16);

  for (int round = 0; round < 20; round++)
    ASSERT_EQ(sc_loop_run(loop, SC_RUN_NOWAIT), 0);
  ASSERT_EQ(c.shed, 3);
  ASSERT_EQ(c.emfile, 1);
  ASSERT_EQ(c.callbacks, 1); /* quiet once the backlog is empty: no spin */
  for (int i = 0; i < 3; i++) {
    char byte;
    ASSERT_EQ(read(clients[i], &byte, 1), 0); /* closed, not left hanging */
    close(clients[i]);
  }
  for (int i = 0; i < filled; i++)
    close(filler[i]);
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &saved), 0);
  ASSERT(c.reserve >= 0);

  int late = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_EQ(connect(late, (struct sockaddr *)&address, sizeof address), 0);
  ASSERT_EQ(sc_loop_run(loop, SC_RUN_ONCE), 0);
  ASSERT_EQ(c.callbacks, 2);
  ASSERT_EQ(c.shed, 3); /* accepted normally this time */
  close(late);
  sc_loop_free(loop);
  close(c.listener);
  close(c.reserve);
  ASSERT_EQ(open_descriptors(), before);
}

/* Without a reserve, sc_accept cannot shed: it says -EMFILE with nothing
 * shed, so the caller knows to back off; the reserve comes back with the
 * next accept that succeeds. */
SC_TEST(accept_without_reserve_reports_emfile_and_gets_it_back) {
  int before = open_descriptors();
  struct sockaddr_in address;
  int listener = listen_loopback(&address);
  int client = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_EQ(connect(client, (struct sockaddr *)&address, sizeof address), 0);
  struct rlimit saved, limit;
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &saved), 0);
  limit = saved;
  limit.rlim_cur = (rlim_t)open_descriptors() + 2;
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &limit), 0);
  int filler[16], filled = 0;
  while (filled < 16 && (filler[filled] = open("/dev/null", O_RDONLY | O_CLOEXEC)) >= 0)
    filled++;
  ASSERT(filled < 16);
  int reserve = -1;
  unsigned long shed = 0;
  ASSERT_EQ(sc_accept(listener, NULL, NULL, SOCK_NONBLOCK, &reserve, &shed), -EMFILE);
  ASSERT_EQ(sc_accept(listener, NULL, NULL, SOCK_NONBLOCK, NULL, NULL), -EMFILE);
  ASSERT_EQ(shed, 0);
  ASSERT_EQ(reserve, -1);
  for (int i = 0; i < filled; i++)
    close(filler[i]);
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &saved), 0);

  struct sockaddr_in peer;
  unsigned peer_length = sizeof peer;
  int accepted = sc_accept(listener, &peer, &peer_length, SOCK_NONBLOCK, &reserve, &shed);
  ASSERT(accepted >= 0);
  ASSERT_EQ(peer_length, sizeof peer);
  ASSERT_EQ(peer.sin_family, AF_INET);
  ASSERT(reserve >= 0); /* reopened */
  ASSERT(fcntl(accepted, F_GETFD) & FD_CLOEXEC);
  ASSERT(fcntl(accepted, F_GETFL) & O_NONBLOCK);
  ASSERT_EQ(sc_accept(listener, NULL, NULL, 0, &reserve, &shed), -EAGAIN);
  close(accepted);
  close(client);
  close(reserve);
  close(listener);
  ASSERT_EQ(open_descriptors(), before);
}

/* sc_loop_forget leaves the registration to the close; while a dup keeps the
 * file open (as a spawned child does until its exec) the old registration
 * still fires, and its events must reach neither the forgotten watch nor the
 * watch that reuses its slot and descriptor number. */
SC_TEST(loop_forget_then_close_drops_events_of_a_surviving_file) {
  sc_loop *loop;
  ASSERT_EQ(sc_loop_new(&loop), 0);
  int old[2], fresh[2];
  pair(old);
  struct counter stale = {0}, reused = {0};
  sc_watch_id a, b;
  ASSERT_EQ(sc_loop_watch(loop, old[0], SC_READABLE, count_io, &stale, &a), 0);
  int survivor = dup(old[0]);
  ASSERT(survivor >= 0);
  ASSERT_EQ(sc_loop_forget(loop, a), 0);
  ASSERT_EQ(sc_loop_forget(loop, a), -ENOENT);
  ASSERT_EQ(sc_loop_active(loop), 0);
  int number = old[0];
  close(old[0]);
  pair(fresh);
  ASSERT_EQ(fresh[0], number); /* the lowest free number: the same one */
  ASSERT_EQ(sc_loop_watch(loop, fresh[0], SC_READABLE, count_io, &reused, &b), 0);
  ASSERT_EQ((uint32_t)a, (uint32_t)b); /* the same slot, a new generation */
  ASSERT(a != b);
  ASSERT_EQ(write(old[1], "x", 1), 1); /* the surviving file becomes readable */
  for (int round = 0; round < 3; round++)
    ASSERT_EQ(sc_loop_run(loop, SC_RUN_NOWAIT), 0);
  ASSERT_EQ(stale.calls, 0);
  ASSERT_EQ(reused.calls, 0);
  ASSERT_EQ(write(fresh[1], "y", 1), 1);
  ASSERT_EQ(sc_loop_run(loop, SC_RUN_NOWAIT), 0);
  ASSERT_EQ(reused.calls, 1);
  ASSERT_EQ(reused.fd, fresh[0]);
  ASSERT_EQ(sc_loop_forget(NULL, b), -EINVAL);
  ASSERT_EQ(sc_loop_unwatch(loop, b), 0);
  close(survivor); /* the last descriptor: the kernel drops the old registration */
  sc_loop_free(loop);
  close(old[1]), close(fresh[0]), close(fresh[1]);
}
