/*
 * accept4 with libuv's answer to EMFILE (uv__emfile_trick in
 * src/unix/stream.c): a spare descriptor is given up to take the waiting
 * connections off the backlog and close them.
 */
#define _GNU_SOURCE
#include "include/sockcore.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

int sc_reserve_open(void) {
  int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  return fd >= 0 ? fd : -errno;
}

/* Whether a connection is waiting, without blocking: the shedding loop must
 * not hang in accept if the caller's listener is blocking after all. */
static bool connection_waiting(int listener) {
  struct pollfd p = {.fd = listener, .events = POLLIN};
  int n;
  while ((n = poll(&p, 1, 0)) < 0 && errno == EINTR) {
  }
  return n == 1 && (p.revents & POLLIN);
}

/* With the reserve given up, one descriptor is free: accepts and closes
 * every waiting connection. Returns how many. */
static unsigned long shed_backlog(int listener) {
  unsigned long count = 0;
  while (connection_waiting(listener)) {
    int doomed = accept4(listener, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (doomed < 0) {
      if (errno == EINTR || errno == ECONNABORTED)
        continue;
      break; /* EAGAIN: the backlog is empty; EMFILE: another thread won the race */
    }
    close(doomed);
    count++;
  }
  return count;
}

int sc_accept(int listener, void *peer, unsigned *peer_length, int flags, int *reserve, unsigned long *shed) {
  for (;;) {
    socklen_t length = peer_length ? *peer_length : 0;
    int fd = accept4(listener, peer, peer ? &length : NULL, flags | SOCK_CLOEXEC);
    if (fd >= 0) {
      if (peer_length)
        *peer_length = length;
      /* A reserve lost earlier (its number taken by another thread) comes
       * back as soon as descriptors are free again. */
      if (reserve != NULL && *reserve < 0)
        *reserve = sc_reserve_open();
      return fd;
    }
    int error = errno;
    /* EINTR, or a connection that died in the backlog: the next may be fine. */
    if (error == EINTR || error == ECONNABORTED)
      continue;
    if ((error == EMFILE || error == ENFILE) && reserve != NULL && *reserve >= 0) {
      close(*reserve);
      *reserve = -1;
      unsigned long count = shed_backlog(listener);
      if (shed)
        *shed += count;
      *reserve = sc_reserve_open();
    }
    return -error;
  }
}
