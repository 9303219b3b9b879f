#include "system_shims.h"

#include <errno.h>
#include <sys/eventfd.h>

int shim_eventfd(void) {
  int descriptor = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  return descriptor < 0 ? -errno : descriptor;
}
