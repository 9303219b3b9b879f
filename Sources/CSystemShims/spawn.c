#define _GNU_SOURCE
#include "system_shims.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <unistd.h>

int shim_pipe_cloexec(int ends[2]) {
  return pipe2(ends, O_CLOEXEC) == 0 ? 0 : -errno;
}

/* The posix_spawn_file_actions_* functions return the errno itself. */
int shim_spawn_add_chdir(void *actions, const char *directory) {
  return -posix_spawn_file_actions_addchdir_np((posix_spawn_file_actions_t *)actions, directory);
}

int shim_spawn_add_closefrom(void *actions, int lowest) {
  return -posix_spawn_file_actions_addclosefrom_np((posix_spawn_file_actions_t *)actions, lowest);
}
