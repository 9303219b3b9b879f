/*
 * The C core's test runner: `test-runner` runs every registered test,
 * `test-runner NAME...` runs the named ones, `test-runner --list` lists them.
 * Each test runs in a child process with a time limit (SC_TEST_TIMEOUT
 * seconds, default 60). The last line is "N passed, N failed".
 */
/* clock_gettime and CLOCK_MONOTONIC are POSIX, hidden by -std=c11 alone. */
#define _POSIX_C_SOURCE 200809L

#include "runner.h"

#include <errno.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SC_MAX_TESTS 512

struct sc_test_entry {
  const char *name;
  sc_test_fn fn;
};

static struct sc_test_entry tests[SC_MAX_TESTS];
static int test_count;

void sc_test_register(const char *name, sc_test_fn fn) {
  if (test_count == SC_MAX_TESTS) {
    fprintf(stderr, "too many tests; raise SC_MAX_TESTS\n");
    abort();
  }
  tests[test_count].name = name;
  tests[test_count].fn = fn;
  test_count++;
}

static int by_name(const void *a, const void *b) {
  const struct sc_test_entry *x = a, *y = b;
  return strcmp(x->name, y->name);
}

/* Runs one test in a child; returns 0 when it passed. */
static int run_one(const struct sc_test_entry *t, unsigned timeout) {
  fflush(stdout);
  fflush(stderr);
  pid_t pid = fork();
  if (pid < 0) {
    perror("fork");
    return -1;
  }
  if (pid == 0) {
    alarm(timeout); /* SIGALRM's default action ends a hung test */
    t->fn();
    fflush(stdout);
    _exit(0);
  }
  int status;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      perror("waitpid");
      return -1;
    }
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
    return 0;
  if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
    fprintf(stderr, "  timed out after %u s\n", timeout);
  else if (WIFSIGNALED(status))
    fprintf(stderr, "  killed by signal %d\n", WTERMSIG(status));
  else
    fprintf(stderr, "  exited with status %d\n", WEXITSTATUS(status));
  return -1;
}

int main(int argc, char **argv) {
  qsort(tests, (size_t)test_count, sizeof tests[0], by_name);
  if (argc == 2 && strcmp(argv[1], "--list") == 0) {
    for (int i = 0; i < test_count; i++)
      printf("%s\n", tests[i].name);
    return 0;
  }
  const char *timeout_env = getenv("SC_TEST_TIMEOUT");
  unsigned timeout = timeout_env ? (unsigned)atoi(timeout_env) : 60;
  if (timeout == 0)
    timeout = 60;

  int passed = 0, failed = 0, selected = 0;
  for (int i = 0; i < test_count; i++) {
    if (argc > 1) {
      int wanted = 0;
      for (int a = 1; a < argc; a++)
        wanted |= strcmp(argv[a], tests[i].name) == 0;
      if (!wanted)
        continue;
    }
    selected++;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int rc = run_one(&tests[i], timeout);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
                (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
    printf("%s %s (%.0f ms)\n", rc == 0 ? "ok  " : "FAIL", tests[i].name, ms);
    if (rc == 0)
      passed++;
    else
      failed++;
  }
  if (argc > 1 && selected != argc - 1) {
    fprintf(stderr, "some named tests do not exist (see --list)\n");
    failed += argc - 1 - selected;
  }
  printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
