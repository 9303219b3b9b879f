/*
 * The Internet checksum's public API (RFC 1071): whole-buffer and running
 * sums, fold, incremental update (RFC 1624), pseudo-header sums, and the
 * choice of kernel.
 *
 * The kernel is chosen once, on the first call, from CPUID, and published
 * through an atomic function pointer: later calls cost one load and one
 * indirect call, and threads racing on the first call all store the same
 * value, so no lock is needed.
 */
#include <stdatomic.h>

#include "checksum_internal.h"

/* One row per sc_checksum_path, in enum order. */
struct path_entry {
  const char *name;
  sc__raw_sum_fn raw;
  sc_checksum_partial_fn partial;
  unsigned needs; /* SC__CPU_* bits */
};

/* The partial functions of each path, with sc_checksum_partial semantics. */
static uint32_t partial_scalar(const void *buf, size_t len, uint32_t sum) {
  return sc__accumulate(sum, sc__raw_sum_scalar(buf, len), len);
}

#if defined(SC__HAVE_X86_KERNELS)
static uint32_t partial_avx2(const void *buf, size_t len, uint32_t sum) {
  return sc__accumulate(sum, sc__raw_sum_avx2(buf, len), len);
}
static uint32_t partial_avx512bw(const void *buf, size_t len, uint32_t sum) {
  return sc__accumulate(sum, sc__raw_sum_avx512bw(buf, len), len);
}
static uint32_t partial_avx512vnni(const void *buf, size_t len, uint32_t sum) {
  return sc__accumulate(sum, sc__raw_sum_avx512vnni(buf, len), len);
}
#endif

static const struct path_entry paths[SC_CHECKSUM_PATH_COUNT] = {
    [SC_CHECKSUM_SCALAR] = {"scalar", sc__raw_sum_scalar, partial_scalar, 0},
#if defined(SC__HAVE_X86_KERNELS)
    [SC_CHECKSUM_AVX2] = {"avx2", sc__raw_sum_avx2, partial_avx2,
                          SC__CPU_AVX2},
    [SC_CHECKSUM_AVX512] = {"avx512", sc__raw_sum_avx512bw, partial_avx512bw,
                            SC__CPU_AVX512BW},
#else
    [SC_CHECKSUM_AVX2] = {"avx2", NULL, NULL, 0},
    [SC_CHECKSUM_AVX512] = {"avx512", NULL, NULL, 0},
#endif
};

/* The AVX-512 row, with the VNNI kernel when the CPU has vpdpwssd. */
static struct path_entry entry_for(sc_checksum_path path, unsigned features) {
  struct path_entry e = paths[path];
#if defined(SC__HAVE_X86_KERNELS)
  if (path == SC_CHECKSUM_AVX512 && (features & SC__CPU_AVX512VNNI)) {
    e.raw = sc__raw_sum_avx512vnni;
    e.partial = partial_avx512vnni;
  }
#endif
  return e;
}

static int path_usable(sc_checksum_path path, unsigned features) {
  const struct path_entry *e = &paths[path];
  return e->raw != NULL && (e->needs & ~features) == 0;
}

/* The widest usable path. */
static sc_checksum_path best_path(unsigned features) {
  for (int p = SC_CHECKSUM_PATH_COUNT - 1; p > SC_CHECKSUM_SCALAR; p--)
    if (path_usable((sc_checksum_path)p, features))
      return (sc_checksum_path)p;
  return SC_CHECKSUM_SCALAR;
}

/* CPUID traps to the hypervisor in a VM (microseconds): ask it once. */
#define FEATURES_KNOWN 0x80000000u
static _Atomic unsigned cached_features;

static unsigned cpu_features(void) {
  unsigned f = atomic_load_explicit(&cached_features, memory_order_relaxed);
  if (!(f & FEATURES_KNOWN)) {
    f = sc__cpu_features() | FEATURES_KNOWN;
    atomic_store_explicit(&cached_features, f, memory_order_relaxed);
  }
  return f & ~FEATURES_KNOWN;
}

static uint64_t raw_sum_first_call(const void *buf, size_t len);

/* Starts at the resolver, then holds the chosen kernel for good. */
static _Atomic(sc__raw_sum_fn) active_raw = raw_sum_first_call;

static sc__raw_sum_fn resolve(void) {
  sc__raw_sum_fn fn = atomic_load_explicit(&active_raw, memory_order_acquire);
  if (fn != raw_sum_first_call)
    return fn;
  unsigned features = cpu_features();
  fn = entry_for(best_path(features), features).raw;
  atomic_store_explicit(&active_raw, fn, memory_order_release);
  return fn;
}

static uint64_t raw_sum_first_call(const void *buf, size_t len) {
  return resolve()(buf, len);
}

static inline uint64_t raw_sum(const void *buf, size_t len) {
  return atomic_load_explicit(&active_raw, memory_order_acquire)(buf, len);
}

/* Up to 64 bytes every kernel runs the same scalar code: call it inline and
 * skip the indirect call (headers, ICMP echoes, pseudo-headers are small). */
static inline uint64_t raw_sum_any(const void *buf, size_t len) {
  return len <= 64 ? sc__raw_sum_short(buf, len) : raw_sum(buf, len);
}

uint16_t sc_checksum(const void *buf, size_t len) {
  return (uint16_t)~sc__fold64(raw_sum_any(buf, len));
}

uint32_t sc_checksum_partial(const void *buf, size_t len, uint32_t sum) {
  return sc__accumulate(sum, raw_sum_any(buf, len), len);
}

uint16_t sc_checksum_fold(uint32_t sum) {
  /* Bit 31 only says the message had an odd length; its last byte was
   * already padded with zero. */
  return (uint16_t)~sc__fold64(sum & 0x7fffffffu);
}

/*
 * RFC 1624 eqn. 3, HC' = ~(~HC + ~m + m'). Unlike eqn. 2 it never yields
 * 0xffff (-0) for a header whose new sum is +0 (RFC 1624 section 3), so it
 * agrees with recomputing the checksum from scratch for every message that
 * is not all zeros. One's complement sums are byte-order independent, so
 * memory-order values work as they are (RFC 1071 section 2(B)).
 */
uint16_t sc_checksum_update16(uint16_t check, uint16_t old_field,
                              uint16_t new_field) {
  uint64_t s = (uint64_t)(uint16_t)~check + (uint16_t)~old_field + new_field;
  return (uint16_t)~sc__fold64(s);
}

/* A 32-bit field is two 16-bit words of the message: the same update with
 * both halves. */
uint16_t sc_checksum_update32(uint16_t check, uint32_t old_field,
                              uint32_t new_field) {
  uint32_t old_c = ~old_field;
  uint64_t s = (uint64_t)(uint16_t)~check + (old_c & 0xffffu) + (old_c >> 16) +
               (new_field & 0xffffu) + (new_field >> 16);
  return (uint16_t)~sc__fold64(s);
}

/*
 * The pseudo-headers are written out byte by byte as on the wire and summed
 * like any message, so the result is in memory order on any host.
 */

/* RFC 768: source, destination, zero, protocol, UDP length. */
uint32_t sc_checksum_pseudo_ipv4(const void *src, const void *dst,
                                 uint8_t proto, uint16_t length) {
  unsigned char ph[12];
  memcpy(ph, src, 4);
  memcpy(ph + 4, dst, 4);
  ph[8] = 0;
  ph[9] = proto;
  ph[10] = (unsigned char)(length >> 8);
  ph[11] = (unsigned char)length;
  return sc__fold64(sc__raw_sum_short(ph, sizeof ph));
}

/* RFC 8200 section 8.1: source, destination, 32-bit upper-layer length,
 * three zero bytes, next header. */
uint32_t sc_checksum_pseudo_ipv6(const void *src, const void *dst,
                                 uint8_t next_header, uint32_t length) {
  unsigned char ph[40];
  memcpy(ph, src, 16);
  memcpy(ph + 16, dst, 16);
  ph[32] = (unsigned char)(length >> 24);
  ph[33] = (unsigned char)(length >> 16);
  ph[34] = (unsigned char)(length >> 8);
  ph[35] = (unsigned char)length;
  ph[36] = ph[37] = ph[38] = 0;
  ph[39] = next_header;
  return sc__fold64(sc__raw_sum_short(ph, sizeof ph));
}

sc_checksum_path sc_checksum_active_path(void) {
  sc__raw_sum_fn fn = resolve();
  for (int p = SC_CHECKSUM_PATH_COUNT - 1; p > SC_CHECKSUM_SCALAR; p--) {
#if defined(SC__HAVE_X86_KERNELS)
    if (p == SC_CHECKSUM_AVX512 && fn == sc__raw_sum_avx512vnni)
      return SC_CHECKSUM_AVX512;
#endif
    if (fn == paths[p].raw)
      return (sc_checksum_path)p;
  }
  return SC_CHECKSUM_SCALAR;
}

const char *sc_checksum_path_name(sc_checksum_path path) {
  if ((unsigned)path >= SC_CHECKSUM_PATH_COUNT)
    return NULL;
  return paths[path].name;
}

sc_checksum_partial_fn sc_checksum_path_fn(sc_checksum_path path) {
  if ((unsigned)path >= SC_CHECKSUM_PATH_COUNT)
    return NULL;
  unsigned features = cpu_features();
  if (!path_usable(path, features))
    return NULL;
  return entry_for(path, features).partial;
}
