#define _GNU_SOURCE
#include "system_shims.h"

#include <errno.h>
#include <sys/socket.h>

_Static_assert(sizeof(socklen_t) == sizeof(unsigned int), "socklen_t is declared as unsigned int in the header");

int shim_accept4(int fd, struct sockaddr *address, unsigned int *length, int flags) {
  int accepted = accept4(fd, address, length, flags);
  return accepted >= 0 ? accepted : -errno;
}
