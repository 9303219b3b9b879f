#define _GNU_SOURCE
#include "system_shims.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>

long shim_splice(int from, int to, unsigned long count, int nonblocking) {
  unsigned int flags = SPLICE_F_MOVE | (nonblocking ? SPLICE_F_NONBLOCK : 0);
  long moved = splice(from, NULL, to, NULL, count, flags);
  return moved < 0 ? -errno : moved;
}

int shim_set_pipe_size(int descriptor, int size) {
  int given = fcntl(descriptor, F_SETPIPE_SZ, size);
  return given < 0 ? -errno : given;
}
