/*
 * The checksum API's semantics: RFC examples, fold, chaining pieces of odd
 * lengths through sc_checksum_partial, RFC 1624 incremental updates,
 * pseudo-header sums against real packets, and the path functions.
 * (Per-path equivalence over many lengths lives in test_checksum_paths.c.)
 */
#include "runner.h"
#include "sockcore.h"

static uint64_t rng_state = 0x2545f4914f6cdd1du;

static uint64_t rng(void) { /* xorshift64, fixed seed */
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return rng_state;
}

/* The two bytes of a memory-order 16-bit value, as they sit in a packet. */
static void bytes_of(uint16_t v, unsigned char out[2]) { memcpy(out, &v, 2); }

static uint16_t word_at(const unsigned char *p) {
  uint16_t v;
  memcpy(&v, p, 2);
  return v;
}

/* A plain reference checksum of a whole message (RFC 1071 section 4.1 with
 * memory-order words). */
static uint16_t ref_checksum(const unsigned char *p, size_t n) {
  uint64_t s = 0;
  for (size_t i = 0; i + 1 < n; i += 2)
    s += word_at(p + i);
  if (n & 1) {
    unsigned char last[2] = {p[n - 1], 0};
    s += word_at(last);
  }
  while (s >> 16)
    s = (s & 0xffff) + (s >> 16);
  return (uint16_t)~s;
}

/* RFC 1071 section 3: the bytes 00 01 f2 03 f4 f5 f6 f7 sum to ddf2. */
SC_TEST(checksum_rfc1071_example) {
  static const unsigned char data[8] = {0x00, 0x01, 0xf2, 0x03,
                                        0xf4, 0xf5, 0xf6, 0xf7};
  unsigned char b[2];
  bytes_of((uint16_t)sc_checksum_partial(data, 8, 0), b);
  ASSERT_EQ(b[0], 0xdd);
  ASSERT_EQ(b[1], 0xf2);
  bytes_of(sc_checksum(data, 8), b);
  ASSERT_EQ(b[0], 0x22); /* ~0xddf2 */
  ASSERT_EQ(b[1], 0x0d);
  for (int p = 0; p < SC_CHECKSUM_PATH_COUNT; p++) {
    sc_checksum_partial_fn fn = sc_checksum_path_fn((sc_checksum_path)p);
    if (fn != NULL)
      ASSERT_EQ(fn(data, 8, 0), sc_checksum_partial(data, 8, 0));
  }
}

SC_TEST(checksum_empty_and_zero) {
  unsigned char zeros[100] = {0};
  ASSERT_EQ(sc_checksum(NULL, 0), 0xffff); /* the sum of nothing is +0 */
  ASSERT_EQ(sc_checksum_partial(NULL, 0, 0), 0);
  ASSERT_EQ(sc_checksum(zeros, sizeof zeros), 0xffff);
  ASSERT_EQ(sc_checksum_partial(zeros, 3, 0), 0x80000000u);
}

/* Writing the checksum into the message makes the message verify (0). */
SC_TEST(checksum_verifies_after_insertion) {
  unsigned char msg[301];
  for (size_t n = 4; n <= sizeof msg; n += 37) {
    for (size_t i = 0; i < n; i++)
      msg[i] = (unsigned char)rng();
    msg[2] = msg[3] = 0;
    uint16_t c = sc_checksum(msg, n);
    ASSERT_EQ(c, ref_checksum(msg, n));
    memcpy(msg + 2, &c, 2);
    ASSERT_EQ(sc_checksum(msg, n), 0);
  }
}

SC_TEST(checksum_fold) {
  ASSERT_EQ(sc_checksum_fold(0), 0xffff);
  ASSERT_EQ(sc_checksum_fold(0xffff), 0);
  ASSERT_EQ(sc_checksum_fold(0x1fffe), 0); /* 0xfffe + 1 = 0xffff */
  ASSERT_EQ(sc_checksum_fold(0x10000), 0xfffe);
  ASSERT_EQ(sc_checksum_fold(0x1234), 0xedcb);
  ASSERT_EQ(sc_checksum_fold(0x80001234u), 0xedcb); /* odd flag ignored */
  ASSERT_EQ(sc_checksum_fold(0x7fffffffu), 0x8000); /* ~(0x7fff + 0xffff) */
}

/* Cuts a message into pieces of random (mostly odd) lengths, feeds them in
 * order, through the dispatcher and through every path, mixing paths. */
SC_TEST(checksum_partial_chaining) {
  /* Every path the CPU has, and the dispatcher: one more than the paths. */
  sc_checksum_partial_fn fns[SC_CHECKSUM_PATH_COUNT + 1];
  int count = 0;
  for (int p = 0; p < SC_CHECKSUM_PATH_COUNT; p++)
    if ((fns[count] = sc_checksum_path_fn((sc_checksum_path)p)) != NULL)
      count++;
  fns[count++] = sc_checksum_partial;
  enum { N = 5000 };
  static unsigned char msg[N];
  for (int round = 0; round < 300; round++) {
    size_t n = (size_t)(rng() % N);
    for (size_t i = 0; i < n; i++)
      msg[i] = round % 3 == 0 ? 0xff : (unsigned char)rng();
    uint32_t whole = sc_checksum_partial(msg, n, 0);
    uint32_t sum = 0;
    size_t at = 0;
    while (at < n) {
      size_t piece = (size_t)(rng() % (round % 2 ? 7 : 300)) | 1;
      if (piece > n - at)
        piece = n - at;
      sum = fns[rng() % (uint64_t)count](msg + at, piece, sum);
      at += piece;
    }
    ASSERT_EQ(sum >> 31, n & 1);
    ASSERT_EQ(sc_checksum_fold(sum), sc_checksum_fold(whole));
    ASSERT_EQ(sc_checksum_fold(sum), ref_checksum(msg, n));
  }
}

/* Accumulators with bit 31 clear may be added with "+" before going on. */
SC_TEST(checksum_partial_addition) {
  unsigned char msg[64];
  for (size_t i = 0; i < sizeof msg; i++)
    msg[i] = (unsigned char)(0xf0 + i);
  uint32_t sum = 0;
  for (int i = 0; i < 16384; i++)
    sum += sc_checksum_partial(msg + (i % 4) * 16, 16, 0);
  ASSERT(sum < 0x80000000u);
  uint32_t chained = 0;
  for (int i = 0; i < 16384; i++)
    chained = sc_checksum_partial(msg + (i % 4) * 16, 16, chained);
  ASSERT_EQ(sc_checksum_fold(sc_checksum_partial(msg, 0, sum)),
            sc_checksum_fold(chained));
  /* An added sum continues like any accumulator, even into an odd piece. */
  uint32_t a = sc_checksum_partial(msg, 10, 0) +
               sc_checksum_partial(msg + 10, 20, 0);
  a = sc_checksum_partial(msg + 30, 5, a);
  a = sc_checksum_partial(msg + 35, 29, a);
  ASSERT_EQ(sc_checksum_fold(a), ref_checksum(msg, sizeof msg));
}

/*
 * RFC 1624 section 4's example: the other header words sum to 0xcd7a, a
 * field goes from 0x5555 to 0x3285; HC = 0xdd2f becomes 0x0000, where eqn. 2
 * would give 0xffff.
 */
SC_TEST(checksum_update_rfc1624_example) {
  unsigned char hdr[6] = {0xcd, 0x7a, 0x55, 0x55, 0, 0};
  uint16_t hc = sc_checksum(hdr, sizeof hdr);
  unsigned char b[2];
  bytes_of(hc, b);
  ASSERT_EQ(b[0], 0xdd);
  ASSERT_EQ(b[1], 0x2f);
  memcpy(hdr + 4, &hc, 2);
  const unsigned char new_field[2] = {0x32, 0x85};
  uint16_t updated =
      sc_checksum_update16(hc, word_at(hdr + 2), word_at(new_field));
  ASSERT_EQ(updated, 0x0000);
  memcpy(hdr + 2, new_field, 2);
  hdr[4] = hdr[5] = 0;
  ASSERT_EQ(sc_checksum(hdr, sizeof hdr), 0x0000); /* recomputed */
}

/* A 20-byte header with its checksum at 10, random 16- and 32-bit field
 * changes, against recomputation; some changes are chosen to make the new
 * checksum 0x0000 (the sum 0xffff), and some start from a checksum 0x0000.
 * Word 0 is never zero, so the header is never all zeros (where "+0" and
 * "-0" could not be told apart, RFC 1624 section 3). */
SC_TEST(checksum_update_against_recomputation) {
  unsigned char h[20];
  int zero_results = 0, zero_starts = 0;
  for (int round = 0; round < 200000; round++) {
    for (size_t i = 0; i < sizeof h; i++)
      h[i] = (unsigned char)rng();
    h[0] |= 0x40;
    h[10] = h[11] = 0;
    if (round % 4 == 1) { /* force the stored checksum to 0x0000 */
      uint16_t c0 = sc_checksum(h, sizeof h);
      uint16_t w = word_at(h + 12);
      uint32_t t = (uint32_t)w + c0; /* the sum becomes 0xffff */
      t = (t & 0xffff) + (t >> 16);
      uint16_t nw = (uint16_t)t;
      memcpy(h + 12, &nw, 2);
    }
    uint16_t check = sc_checksum(h, sizeof h);
    zero_starts += check == 0;
    memcpy(h + 10, &check, 2);

    int wide = round % 2; /* 32-bit field at 12, else 16-bit field at 14 */
    size_t at = wide ? 12 : 14;
    unsigned char old_bytes[4], new_bytes[4];
    memcpy(old_bytes, h + at, 4);
    for (int i = 0; i < 4; i++)
      new_bytes[i] = (unsigned char)rng();
    if (!wide)
      memcpy(new_bytes + 2, old_bytes + 2, 2);
    if (round % 3 == 0) {
      /* Choose the new field so that the new sum is 0xffff: checksum 0. */
      uint16_t rest = wide ? word_at(new_bytes + 2) : 0;
      unsigned char probe[20];
      memcpy(probe, h, 20);
      probe[10] = probe[11] = 0;
      memset(probe + at, 0, wide ? 4 : 2);
      if (wide)
        memcpy(probe + at + 2, &rest, 2);
      uint16_t others = (uint16_t)~sc_checksum(probe, 20); /* folded sum */
      uint16_t need = (uint16_t)~others; /* others + need = 0xffff */
      memcpy(new_bytes, &need, 2);
    }
    uint16_t updated;
    if (wide) {
      uint32_t o, n;
      memcpy(&o, old_bytes, 4);
      memcpy(&n, new_bytes, 4);
      updated = sc_checksum_update32(check, o, n);
    } else {
      updated = sc_checksum_update16(check, word_at(old_bytes),
                                     word_at(new_bytes));
    }
    memcpy(h + at, new_bytes, wide ? 4 : 2);
    h[10] = h[11] = 0;
    uint16_t recomputed = sc_checksum(h, sizeof h);
    if (updated != recomputed)
      SC_FAIL("round %d: updated 0x%04x, recomputed 0x%04x", round, updated,
              recomputed);
    zero_results += recomputed == 0;
  }
  ASSERT(zero_results > 1000);
  ASSERT(zero_starts > 1000);
}

/*
 * A UDP/IPv4 datagram, 192.0.2.1:40000 -> 198.51.100.7:53, payload
 * "sockworks!\0" (odd length), as built by Scapy 2.8.0, whose checksum
 * 0x433f was also computed by hand in Python. The pseudo-header sum:
 * c000 + 0201 + c633 + 6407 + 0011 + 0013 = 0x1ec5f, folded 0xec60.
 */
SC_TEST(checksum_pseudo_ipv4_udp_packet) {
  static const unsigned char ip[39] = {
      0x45, 0x00, 0x00, 0x27, 0x1c, 0x46, 0x00, 0x00, 0x40, 0x11,
      0x72, 0x44, 0xc0, 0x00, 0x02, 0x01, 0xc6, 0x33, 0x64, 0x07, /* UDP: */
      0x9c, 0x40, 0x00, 0x35, 0x00, 0x13, 0x43, 0x3f, 0x73, 0x6f,
      0x63, 0x6b, 0x77, 0x6f, 0x72, 0x6b, 0x73, 0x21, 0x00};
  ASSERT_EQ(sc_checksum(ip, 20), 0); /* the IPv4 header verifies too */
  const unsigned char *udp = ip + 20;
  uint32_t ph = sc_checksum_pseudo_ipv4(ip + 12, ip + 16, 17, 19);
  unsigned char b[2];
  bytes_of((uint16_t)sc_checksum_fold(ph), b);
  ASSERT_EQ(b[0], (unsigned char)~0xec);
  ASSERT_EQ(b[1], (unsigned char)~0x60);
  ASSERT_EQ(sc_checksum_fold(sc_checksum_partial(udp, 19, ph)), 0);
  unsigned char zeroed[19];
  memcpy(zeroed, udp, 19);
  zeroed[6] = zeroed[7] = 0;
  bytes_of(sc_checksum_fold(sc_checksum_partial(zeroed, 19, ph)), b);
  ASSERT_EQ(b[0], 0x43);
  ASSERT_EQ(b[1], 0x3f);
}

/*
 * An ICMPv6 echo request, 2001:db8::1 -> 2001:db8::2, id 0x1234, seq 1,
 * payload "ping6 payload", as built by Scapy 2.8.0 (checksum 0x3fe5, also
 * computed by hand). Pseudo-header (RFC 8200 section 8.1): the addresses,
 * length 21 and next header 58 sum to 0x5bc4 folded.
 */
SC_TEST(checksum_pseudo_ipv6_icmp6_echo) {
  static const unsigned char src[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
                                        0,    0,    0,    0,    0, 0, 0, 1};
  static const unsigned char dst[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
                                        0,    0,    0,    0,    0, 0, 0, 2};
  static const unsigned char icmp[21] = {
      0x80, 0x00, 0x3f, 0xe5, 0x12, 0x34, 0x00, 0x01, 0x70, 0x69, 0x6e,
      0x67, 0x36, 0x20, 0x70, 0x61, 0x79, 0x6c, 0x6f, 0x61, 0x64};
  uint32_t ph = sc_checksum_pseudo_ipv6(src, dst, 58, 21);
  unsigned char b[2];
  bytes_of((uint16_t)~sc_checksum_fold(ph), b);
  ASSERT_EQ(b[0], 0x5b);
  ASSERT_EQ(b[1], 0xc4);
  ASSERT_EQ(sc_checksum_fold(sc_checksum_partial(icmp, 21, ph)), 0);
  unsigned char zeroed[21];
  memcpy(zeroed, icmp, 21);
  zeroed[2] = zeroed[3] = 0;
  bytes_of(sc_checksum_fold(sc_checksum_partial(zeroed, 21, ph)), b);
  ASSERT_EQ(b[0], 0x3f);
  ASSERT_EQ(b[1], 0xe5);
  /* The same pseudo-header in pieces: it may start any chain. */
  uint32_t s = sc_checksum_partial(zeroed, 5, ph);
  s = sc_checksum_partial(zeroed + 5, 16, s);
  bytes_of(sc_checksum_fold(s), b);
  ASSERT_EQ(b[0], 0x3f);
}

SC_TEST(checksum_path_api) {
  ASSERT(strcmp(sc_checksum_path_name(SC_CHECKSUM_SCALAR), "scalar") == 0);
  ASSERT(strcmp(sc_checksum_path_name(SC_CHECKSUM_AVX2), "avx2") == 0);
  ASSERT(strcmp(sc_checksum_path_name(SC_CHECKSUM_AVX512), "avx512") == 0);
  ASSERT(sc_checksum_path_name(SC_CHECKSUM_PATH_COUNT) == NULL);
  ASSERT(sc_checksum_path_name((sc_checksum_path)-1) == NULL);
  ASSERT(sc_checksum_path_fn(SC_CHECKSUM_PATH_COUNT) == NULL);
  ASSERT(sc_checksum_path_fn(SC_CHECKSUM_SCALAR) != NULL);
  sc_checksum_path active = sc_checksum_active_path();
  ASSERT((unsigned)active < SC_CHECKSUM_PATH_COUNT);
  ASSERT(sc_checksum_path_fn(active) != NULL);
  /* The active path is the widest one available. */
  for (int p = active + 1; p < SC_CHECKSUM_PATH_COUNT; p++)
    ASSERT(sc_checksum_path_fn((sc_checksum_path)p) == NULL);
  printf("  active path: %s\n", sc_checksum_path_name(active));
  for (int p = 0; p < SC_CHECKSUM_PATH_COUNT; p++)
    if (sc_checksum_path_fn((sc_checksum_path)p) == NULL)
      printf("  skipped: path %s is not supported by this CPU\n",
             sc_checksum_path_name((sc_checksum_path)p));
}
