#include "system_shims.h"

#include <errno.h>
#include <sys/signalfd.h>
#include <unistd.h>

int shim_signalfd(const void *signals) {
  int descriptor = signalfd(-1, signals, SFD_NONBLOCK | SFD_CLOEXEC);
  return descriptor < 0 ? -errno : descriptor;
}

int shim_signalfd_next(int descriptor) {
  struct signalfd_siginfo information;
  ssize_t count;
  do {
    count = read(descriptor, &information, sizeof information);
  } while (count < 0 && errno == EINTR);
  if (count < 0) return errno == EAGAIN ? 0 : -errno;
  if (count != (ssize_t)sizeof information) return -EIO;
  return (int)information.ssi_signo;
}
