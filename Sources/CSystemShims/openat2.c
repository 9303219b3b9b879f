#define _GNU_SOURCE
#include "system_shims.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

_Static_assert(SHIM_RESOLVE_NO_MAGICLINKS == RESOLVE_NO_MAGICLINKS, "the header mirrors RESOLVE_NO_MAGICLINKS");
_Static_assert(SHIM_O_PATH == O_PATH, "the header mirrors O_PATH");
_Static_assert(SHIM_RESOLVE_BENEATH == RESOLVE_BENEATH, "the header mirrors RESOLVE_BENEATH");

int shim_openat2(int directory, const char *path, int flags, unsigned long long resolve) {
  struct open_how how = {.flags = (unsigned long long)(unsigned int)flags, .mode = 0, .resolve = resolve};
  long descriptor = syscall(SYS_openat2, directory, path, &how, sizeof how);
  return descriptor < 0 ? -errno : (int)descriptor;
}
