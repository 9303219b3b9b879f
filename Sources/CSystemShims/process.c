#include "system_shims.h"

#include <errno.h>
#include <sys/prctl.h>

int shim_set_child_subreaper(void) {
  return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0 ? 0 : -errno;
}
