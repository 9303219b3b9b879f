#include "system_shims.h"

#include <stddef.h>
#include <sys/mman.h>

int *shim_shared_counter_create(void) {
  void *page = mmap(NULL, sizeof(int), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  return page == MAP_FAILED ? NULL : (int *)page;
}

int shim_shared_counter_take(int *counter, int limit) {
  int seen = __atomic_load_n(counter, __ATOMIC_RELAXED);
  while (seen < limit) {
    if (__atomic_compare_exchange_n(counter, &seen, seen + 1, 1, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
      return 1;
  }
  return 0;
}

void shim_shared_counter_release(int *counter) { __atomic_fetch_sub(counter, 1, __ATOMIC_ACQ_REL); }

int shim_shared_counter_value(int *counter) { return __atomic_load_n(counter, __ATOMIC_RELAXED); }
