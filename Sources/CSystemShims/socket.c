#define _GNU_SOURCE
#include "system_shims.h"

#include <errno.h>
#include <sys/socket.h>

int shim_accept4(int fd, struct sockaddr *address, socklen_t *length, int flags) {
  int accepted = accept4(fd, address, length, flags);
  return accepted >= 0 ? accepted : -errno;
}
