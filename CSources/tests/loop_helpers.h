/* Helpers shared by the event loop's tests. */
#ifndef SC_TEST_LOOP_HELPERS_H
#define SC_TEST_LOOP_HELPERS_H

#include "runner.h"

#include <dirent.h>
#include <sys/socket.h>

/* Open descriptors of this process, to prove that a test leaks none. */
static inline int open_descriptors(void) {
  DIR *dir = opendir("/proc/self/fd");
  ASSERT(dir != NULL);
  int count = 0;
  while (readdir(dir) != NULL)
    count++;
  closedir(dir);
  return count;
}

/* A connected, non-blocking pair of stream sockets. */
static inline void pair(int fds[2]) {
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds), 0);
}

#endif
