/*
 * Signals delivered into the loop through one signalfd (signalfd(2)):
 * the callbacks run on the loop's thread, where they may do anything,
 * instead of in a signal handler, where almost nothing is safe.
 */
#define _GNU_SOURCE
#include "loop_internal.h"

#include <errno.h>
#include <sys/signalfd.h>
#include <unistd.h>

static void read_signals(sc_loop *loop) {
  struct signalfd_siginfo info[16];
  for (;;) {
    ssize_t n = read(loop->signal_fd, info, sizeof info);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return;
    for (size_t i = 0; i < (size_t)n / sizeof info[0]; i++) {
      int signo = (int)info[i].ssi_signo;
      if (signo > 0 && signo < 65 && loop->signal_fns[signo])
        loop->signal_fns[signo](loop, signo, loop->signal_contexts[signo]);
    }
  }
}

int sc_loop_signal(sc_loop *loop, int signo, sc_signal_fn fn, void *context) {
  if (loop == NULL || signo <= 0 || signo >= 65 || signo == SIGKILL || signo == SIGSTOP)
    return -EINVAL;
  if (fn == NULL && loop->signal_fd < 0)
    return 0; /* nothing taken yet: no signalfd to make */
  sigset_t wanted = loop->signals;
  if (fn)
    sigaddset(&wanted, signo);
  else
    sigdelset(&wanted, signo);
  /* signalfd with an existing descriptor replaces its mask in place. */
  int fd = signalfd(loop->signal_fd, &wanted, SFD_CLOEXEC | SFD_NONBLOCK);
  if (fd < 0)
    return -errno;
  if (loop->signal_fd < 0) {
    int rc = sc__watch_internal(loop, fd, read_signals, &loop->signal_watch);
    if (rc < 0) {
      close(fd);
      return rc;
    }
    loop->signal_fd = fd;
  }
  loop->signals = wanted;
  loop->signal_fns[signo] = fn;
  loop->signal_contexts[signo] = context;
  return 0;
}
