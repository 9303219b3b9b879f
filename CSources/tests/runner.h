/*
 * A small test registry and runner for the C core.
 *
 * Each test is a function registered with SC_TEST(name). The runner forks
 * every test into its own process with a time limit, so a crash, an abort
 * from a sanitizer or a hang fails that test alone and the rest still run
 * (the idea of libuv's test/runner.c).
 */
#ifndef SC_TEST_RUNNER_H
#define SC_TEST_RUNNER_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef void (*sc_test_fn)(void);

void sc_test_register(const char *name, sc_test_fn fn);

#define SC_TEST(name)                                                          \
  static void sc_test_##name(void);                                           \
  __attribute__((constructor)) static void sc_test_register_##name(void) {    \
    sc_test_register(#name, sc_test_##name);                                  \
  }                                                                            \
  static void sc_test_##name(void)

#define SC_FAIL(...)                                                           \
  do {                                                                         \
    fprintf(stderr, "%s:%d: ", __FILE__, __LINE__);                            \
    fprintf(stderr, __VA_ARGS__);                                              \
    fputc('\n', stderr);                                                       \
    abort();                                                                   \
  } while (0)

#define ASSERT(cond)                                                           \
  do {                                                                         \
    if (!(cond))                                                               \
      SC_FAIL("assertion failed: %s", #cond);                                  \
  } while (0)

/* Compare as signed 64-bit integers, printing both sides on failure. */
#define ASSERT_EQ(a, b)                                                        \
  do {                                                                         \
    int64_t sc_a_ = (int64_t)(a), sc_b_ = (int64_t)(b);                        \
    if (sc_a_ != sc_b_)                                                        \
      SC_FAIL("%s == %s: %" PRId64 " != %" PRId64, #a, #b, sc_a_, sc_b_);      \
  } while (0)

#define ASSERT_MEM_EQ(a, b, n)                                                 \
  do {                                                                         \
    if (memcmp((a), (b), (n)) != 0)                                            \
      SC_FAIL("memory differs: %s vs %s (%zu bytes)", #a, #b, (size_t)(n));    \
  } while (0)

#endif
