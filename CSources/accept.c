/*
 * accept4 with libuv's answer to EMFILE (uv__emfile_trick in
 * src/unix/stream.c): a spare descriptor is given up to take the waiting
 * connections off the backlog and close them.
 */
#define _GNU_SOURCE
#include "include/sockcore.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

int sc_reserve_open(void) {
  int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  return fd >= 0 ? fd : -errno;
}

int sc_accept(int listener, void *peer, unsigned *peer_length, int flags, int *reserve, unsigned long *shed) {
  for (;;) {
    socklen_t length = peer_length ? *peer_length : 0;
    int fd = accept4(listener, peer, peer ? &length : NULL, flags | SOCK_CLOEXEC);
    if (fd >= 0) {
      if (peer_length)
        *peer_length = length;
      return fd;
    }
    int error = errno;
    if (error == EINTR)
      continue;
    /* Connections that died in the backlog: the next one may be fine. */
    if (error == ECONNABORTED)
      continue;
    if ((error == EMFILE || error == ENFILE) && reserve != NULL && *reserve >= 0) {
      close(*reserve);
      *reserve = -1;
      for (;;) {
        int doomed = accept4(listener, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (doomed < 0) {
          if (errno == EINTR || errno == ECONNABORTED)
            continue;
          break;
        }
        close(doomed);
        if (shed)
          (*shed)++;
      }
      *reserve = sc_reserve_open();
    }
    return -error;
  }
}
