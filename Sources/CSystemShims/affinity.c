#define _GNU_SOURCE
#include "system_shims.h"

#include <errno.h>
#include <sched.h>

int shim_pin_thread_to_cpu(int cpu) {
  if (cpu < 0 || cpu >= CPU_SETSIZE)
    return -EINVAL;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  /* pid 0 is the calling thread, not the whole process. */
  return sched_setaffinity(0, sizeof set, &set) == 0 ? 0 : -errno;
}
