/*
 * sockcore: the C core of Sockworks.
 *
 * The Internet checksum (RFC 1071) with run-time selected SIMD paths, a
 * bounds-checked packet codec for IPv4, ICMP, IPv6/ICMPv6 and UDP that works in
 * caller-provided buffers and never allocates, and an epoll event loop.
 *
 * Conventions (see libuv's include/uv/errno.h for the model):
 *   - Functions that can fail return an int: 0 or a positive byte count on
 *     success, a negative errno on failure. They never print and never exit.
 *       -EINVAL   an argument is out of range (NULL pointer, field too large)
 *       -ENOSPC   the caller's output buffer is too small
 *       -EBADMSG  the input is malformed: truncated, a length field that lies,
 *                 IHL < 5, a quoted datagram too short to hold what it must
 *       -ENOTSUP  the CPU lacks the requested checksum path
 *   - Multi-byte fields in the parsed structs are in host byte order, except
 *     checksums, which are kept exactly as stored in the packet (see below).
 *   - Parse functions return 0 on success and fill *out; on failure they
 *     leave *out untouched. A NULL buf or out is -EINVAL.
 *   - Parsed structs point into the caller's buffer; they are valid as long as
 *     that buffer is.
 *   - Pack functions return the number of bytes written. A payload may
 *     already sit at its place in the output buffer (built in place).
 *
 * Checksum byte order: RFC 1071 section 2(B) shows that the one's complement
 * sum can be computed on 16-bit words loaded in the machine's own byte order,
 * and the result stored back the same way. So every checksum value in this
 * API is "memory order": memcpy it into (or out of) the packet's checksum
 * field; never pass it through htons().
 */
#ifndef SOCKCORE_H
#define SOCKCORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SC_VERSION_MAJOR 0
#define SC_VERSION_MINOR 1
#define SC_VERSION_PATCH 0
#define SC_VERSION_HEX                                                         \
  ((SC_VERSION_MAJOR << 16) | (SC_VERSION_MINOR << 8) | SC_VERSION_PATCH)

#if defined(__GNUC__) || defined(__clang__)
#define SC_EXTERN __attribute__((visibility("default")))
#else
#define SC_EXTERN
#endif

/* SC_VERSION_HEX of the library actually linked (may differ from the header). */
SC_EXTERN unsigned sc_version(void);
/* "MAJOR.MINOR.PATCH" of the library actually linked. */
SC_EXTERN const char *sc_version_string(void);

/* ------------------------------------------------------------------------ */
/* Internet checksum (RFC 1071)                                              */
/* ------------------------------------------------------------------------ */

/*
 * The checksum of a whole message: the value to memcpy into its checksum
 * field (zeroed while summing) so that the checksum of the message then
 * verifies. Verifying: sc_checksum() over a message with a correct checksum
 * field in place returns 0.
 */
SC_EXTERN uint16_t sc_checksum(const void *buf, size_t len);

/*
 * Running sums over scattered pieces of one message, of any lengths.
 *
 * Start with sum = 0, feed each piece in order, finish with sc_checksum_fold().
 * The returned accumulator is partly opaque: bit 31 records that an odd number
 * of bytes has been summed so far (the next piece then starts in the middle of
 * a 16-bit word, which the function handles by swapping that piece's bytes,
 * RFC 1071 section 2(B)). The other bits hold a partially folded sum below
 * 2^17. Accumulators with bit 31 clear, and the pseudo-header sums below, may
 * be added together with "+" (up to 2^14 of them) before being passed on.
 */
SC_EXTERN uint32_t sc_checksum_partial(const void *buf, size_t len,
                                       uint32_t sum);

/* Fold an accumulator to 16 bits and complement it: the value to store. */
SC_EXTERN uint16_t sc_checksum_fold(uint32_t sum);

/*
 * Incremental update (RFC 1624, eqn. 3: HC' = ~(~HC + ~m + m')) of a stored
 * checksum when one 16-bit or one 32-bit aligned field changes from old_field
 * to new_field. All three values in memory order (memcpy them out of the
 * packet). Returns the new value to store.
 */
SC_EXTERN uint16_t sc_checksum_update16(uint16_t check, uint16_t old_field,
                                        uint16_t new_field);
SC_EXTERN uint16_t sc_checksum_update32(uint16_t check, uint32_t old_field,
                                        uint32_t new_field);

/*
 * Pseudo-header sums, to pass as the starting sum of sc_checksum_partial().
 * Addresses are in network order (4 or 16 bytes as on the wire); proto and
 * length are host-order numbers.
 *   UDP over IPv4:  sc_checksum_pseudo_ipv4(src, dst, 17, udp_length)
 *   UDP over IPv6:  sc_checksum_pseudo_ipv6(src, dst, 17, udp_length)
 *   ICMPv6:         sc_checksum_pseudo_ipv6(src, dst, 58, icmp_length)
 */
SC_EXTERN uint32_t sc_checksum_pseudo_ipv4(const void *src, const void *dst,
                                           uint8_t proto, uint16_t length);
SC_EXTERN uint32_t sc_checksum_pseudo_ipv6(const void *src, const void *dst,
                                           uint8_t next_header,
                                           uint32_t length);

/* The checksum paths, each selectable for tests and benchmarks. */
typedef enum sc_checksum_path {
  SC_CHECKSUM_SCALAR = 0, /* portable C, 64-bit add-with-carry accumulation */
  SC_CHECKSUM_AVX2 = 1,   /* 256-bit vectors */
  SC_CHECKSUM_AVX512 = 2, /* 512-bit vectors, AVX-512 BW (+VNNI when present) */
  SC_CHECKSUM_PATH_COUNT = 3
} sc_checksum_path;

typedef uint32_t (*sc_checksum_partial_fn)(const void *buf, size_t len,
                                           uint32_t sum);

/* The path sc_checksum() uses on this CPU, chosen once from CPUID. */
SC_EXTERN sc_checksum_path sc_checksum_active_path(void);
/* "scalar", "avx2", "avx512"; NULL for an unknown path. */
SC_EXTERN const char *sc_checksum_path_name(sc_checksum_path path);
/*
 * The sc_checksum_partial() of one path, with identical semantics; NULL when
 * the CPU (or the build) lacks it.
 */
SC_EXTERN sc_checksum_partial_fn sc_checksum_path_fn(sc_checksum_path path);

/* ------------------------------------------------------------------------ */
/* IPv4 (RFC 791)                                                            */
/* ------------------------------------------------------------------------ */

#define SC_IPV4_HEADER_MIN 20
#define SC_IPV4_HEADER_MAX 60

#define SC_IPPROTO_ICMP 1
#define SC_IPPROTO_UDP 17
#define SC_IPPROTO_ICMPV6 58

#define SC_IPV4_FLAG_DF 0x4000 /* in sc_ipv4.fragment */
#define SC_IPV4_FLAG_MF 0x2000
#define SC_IPV4_OFFSET_MASK 0x1fff

struct sc_ipv4 {
  uint8_t header_length;  /* bytes: IHL * 4, 20..60 */
  uint8_t tos;
  uint16_t total_length;  /* header + payload, bytes */
  uint16_t id;
  uint16_t fragment;      /* flags and fragment offset, as one field */
  uint8_t ttl;
  uint8_t protocol;
  uint16_t checksum;      /* memory order */
  bool checksum_valid;    /* parse: the header checksum verifies */
  uint8_t src[4];         /* network order */
  uint8_t dst[4];
  const uint8_t *options; /* header_length - 20 bytes; NULL when none */
  const uint8_t *payload; /* parse: total_length - header_length bytes */
  size_t payload_length;
};

/*
 * Parse an IPv4 header at buf. Returns 0; -EBADMSG when: len < 20,
 * version != 4, IHL < 5, len < IHL * 4, total_length < IHL * 4, or
 * total_length > len (a datagram that claims more bytes than are present).
 * Bytes beyond total_length (link-layer padding) are ignored. A bad header
 * checksum is not an error: checksum_valid reports it.
 */
SC_EXTERN int sc_ipv4_parse(const void *buf, size_t len, struct sc_ipv4 *out);

/*
 * Write an IPv4 header into buf from hdr: header_length (20..60, a multiple
 * of 4; 0 means 20), tos, total_length, id, fragment, ttl, protocol, src,
 * dst, options (header_length - 20 bytes, already padded to a multiple of 4
 * with End of Option List or No Operation; ignored, and may be NULL, when
 * header_length is 20). The checksum is computed; hdr->checksum,
 * hdr->checksum_valid and hdr->payload are ignored, and only the header is
 * written. Returns the header length written, -ENOSPC when cap is too small,
 * -EINVAL for an impossible header_length, missing options or a
 * total_length below header_length.
 */
SC_EXTERN int sc_ipv4_pack(void *buf, size_t cap, const struct sc_ipv4 *hdr);

/* ------------------------------------------------------------------------ */
/* IPv6 fixed header (RFC 8200)                                              */
/* ------------------------------------------------------------------------ */

#define SC_IPV6_HEADER_LENGTH 40

struct sc_ipv6 {
  uint8_t traffic_class;
  uint32_t flow_label;    /* 20 bits */
  uint16_t payload_length;
  uint8_t next_header;
  uint8_t hop_limit;
  uint8_t src[16];        /* network order */
  uint8_t dst[16];
  const uint8_t *payload; /* parse: the bytes after the fixed header */
  size_t payload_length_present; /* min(payload_length, bytes present) */
};

/*
 * Parse the fixed IPv6 header. Extension headers are not walked: payload
 * starts right after the 40 fixed bytes. Returns 0; -EBADMSG when len < 40
 * or version != 6. payload_length larger than what is present is not an error
 * here (ICMPv6 errors quote truncated packets): payload_length_present tells
 * how much is there.
 */
SC_EXTERN int sc_ipv6_parse(const void *buf, size_t len, struct sc_ipv6 *out);

/* ------------------------------------------------------------------------ */
/* UDP (RFC 768)                                                             */
/* ------------------------------------------------------------------------ */

#define SC_UDP_HEADER_LENGTH 8

struct sc_udp {
  uint16_t source_port;
  uint16_t destination_port;
  uint16_t length;        /* header + payload, bytes */
  uint16_t checksum;      /* memory order; 0 over IPv4 means "none" */
  const uint8_t *payload;
  size_t payload_length;  /* length - 8 */
};

/*
 * Parse a UDP header. Returns 0; -EBADMSG when len < 8, length < 8 or
 * length > len (bytes past length are ignored). The checksum needs the IP
 * addresses: see sc_udp_verify4/6.
 */
SC_EXTERN int sc_udp_parse(const void *buf, size_t len, struct sc_udp *out);

/*
 * Write a UDP datagram (header + payload) into buf with its checksum
 * computed over the IPv4 or IPv6 pseudo-header (src and dst in network
 * order). A computed checksum of 0 is sent as 0xffff (RFC 768). Returns the
 * datagram length, -ENOSPC, or -EINVAL when it would exceed 65535 bytes (or
 * for a NULL pointer).
 */
SC_EXTERN int sc_udp_pack4(void *buf, size_t cap, const uint8_t src[4],
                           const uint8_t dst[4], uint16_t source_port,
                           uint16_t destination_port, const void *payload,
                           size_t payload_length);
SC_EXTERN int sc_udp_pack6(void *buf, size_t cap, const uint8_t src[16],
                           const uint8_t dst[16], uint16_t source_port,
                           uint16_t destination_port, const void *payload,
                           size_t payload_length);

/*
 * Verify a UDP datagram's checksum over the `length` bytes its header
 * claims (as sc_udp_parse: len may be larger, never smaller). Returns 0 when
 * it verifies (or, over IPv4, when the sender left it 0), -EBADMSG when it
 * does not, when it is 0 over IPv6 (RFC 8200 section 8.1) or when the
 * datagram is malformed; -EINVAL for a NULL pointer.
 */
SC_EXTERN int sc_udp_verify4(const void *buf, size_t len, const uint8_t src[4],
                             const uint8_t dst[4]);
SC_EXTERN int sc_udp_verify6(const void *buf, size_t len, const uint8_t src[16],
                             const uint8_t dst[16]);

/* ------------------------------------------------------------------------ */
/* ICMP (RFC 792) and ICMPv6 (RFC 4443)                                      */
/* ------------------------------------------------------------------------ */

#define SC_ICMP_HEADER_LENGTH 8

/* ICMPv4 types */
#define SC_ICMP_ECHO_REPLY 0
#define SC_ICMP_DEST_UNREACH 3
#define SC_ICMP_SOURCE_QUENCH 4
#define SC_ICMP_REDIRECT 5
#define SC_ICMP_ECHO_REQUEST 8
#define SC_ICMP_TIME_EXCEEDED 11
#define SC_ICMP_PARAMETER_PROBLEM 12

/* ICMPv4 destination unreachable codes (RFC 792, RFC 1122, RFC 1812) */
#define SC_ICMP_UNREACH_NET 0
#define SC_ICMP_UNREACH_HOST 1
#define SC_ICMP_UNREACH_PROTOCOL 2
#define SC_ICMP_UNREACH_PORT 3
#define SC_ICMP_UNREACH_NEEDFRAG 4 /* "fragmentation needed and DF set" */
#define SC_ICMP_UNREACH_SRCFAIL 5
#define SC_ICMP_UNREACH_NET_UNKNOWN 6
#define SC_ICMP_UNREACH_HOST_UNKNOWN 7
#define SC_ICMP_UNREACH_ISOLATED 8
#define SC_ICMP_UNREACH_NET_PROHIB 9
#define SC_ICMP_UNREACH_HOST_PROHIB 10
#define SC_ICMP_UNREACH_TOSNET 11
#define SC_ICMP_UNREACH_TOSHOST 12
#define SC_ICMP_UNREACH_FILTER_PROHIB 13
#define SC_ICMP_UNREACH_HOST_PRECEDENCE 14
#define SC_ICMP_UNREACH_PRECEDENCE_CUTOFF 15

/* ICMPv6 types */
#define SC_ICMP6_DEST_UNREACH 1
#define SC_ICMP6_PACKET_TOO_BIG 2
#define SC_ICMP6_TIME_EXCEEDED 3
#define SC_ICMP6_PARAMETER_PROBLEM 4
#define SC_ICMP6_ECHO_REQUEST 128
#define SC_ICMP6_ECHO_REPLY 129

typedef enum sc_icmp_kind {
  SC_ICMP_KIND_ECHO_REQUEST = 1,
  SC_ICMP_KIND_ECHO_REPLY = 2,
  SC_ICMP_KIND_ERROR = 3, /* carries a quoted original datagram */
  SC_ICMP_KIND_OTHER = 4  /* any other type: header fields only */
} sc_icmp_kind;

/* What an ICMP error quotes of the datagram that caused it. */
struct sc_icmp_quote {
  uint8_t ip_version;     /* 4 or 6 */
  struct sc_ipv4 ipv4;    /* ip_version 4: the quoted header (its
                             total_length may exceed what is quoted, so
                             payload_length is what is present) */
  struct sc_ipv6 ipv6;    /* ip_version 6 */
  uint8_t protocol;       /* ipv4.protocol or ipv6.next_header */
  const uint8_t *transport; /* the quoted bytes after the IP header */
  size_t transport_length;
  /* When protocol is ICMP/ICMPv6 and its 8-byte header is quoted: */
  bool has_icmp;
  uint8_t icmp_type;
  uint8_t icmp_code;
  uint16_t icmp_id;
  uint16_t icmp_sequence;
  /* When protocol is UDP and its 8-byte header is quoted: */
  bool has_udp;
  uint16_t udp_source_port;
  uint16_t udp_destination_port;
};

struct sc_icmp {
  uint8_t type;
  uint8_t code;
  uint16_t checksum;      /* memory order */
  bool checksum_valid;    /* for ICMPv6: only when addresses were given */
  sc_icmp_kind kind;
  /* Echo request and reply: */
  uint16_t id;
  uint16_t sequence;
  /*
   * Bytes 4..7 of the header as one host-order number: the gateway address
   * of a redirect (network order bytes: see rest_bytes), the pointer of a
   * parameter problem (top 8 bits for ICMPv4, all 32 for ICMPv6), the next-hop
   * MTU of "fragmentation needed" (low 16 bits) or "packet too big".
   */
  uint32_t rest;
  uint8_t rest_bytes[4];
  const uint8_t *body;    /* the bytes after the 8-byte header: the echo
                             payload, or the quoted datagram of an error */
  size_t body_length;
  struct sc_icmp_quote quote; /* kind == SC_ICMP_KIND_ERROR */
};

/* Bytes 4..7 helpers for the parsed struct. */
#define SC_ICMP_MTU(icmp) ((uint16_t)((icmp)->rest & 0xffffu))
#define SC_ICMP_POINTER(icmp) ((uint8_t)((icmp)->rest >> 24))

/*
 * Parse an ICMPv4 message (the IP payload, not the IP header). Returns 0;
 * -EBADMSG when len < 8, or for an error type (3, 4, 5, 11, 12) when the
 * quote is too short: it must hold a valid IPv4 header (version 4, IHL >= 5,
 * all IHL * 4 bytes present) and at least 8 bytes after it (RFC 792). The
 * quoted total_length is not checked (stacks have quoted it altered). The
 * quoted ICMP or UDP header is decoded only from a first fragment. A bad
 * checksum is not an error: checksum_valid reports it.
 */
SC_EXTERN int sc_icmp4_parse(const void *buf, size_t len, struct sc_icmp *out);

/*
 * Parse an ICMPv6 message. src and dst (16 bytes each, network order) are
 * the addresses of the carrying IPv6 header; when both are given the
 * checksum is verified over the pseudo-header, when either is NULL
 * checksum_valid is false and only the structure is checked (a raw ICMPv6
 * socket's kernel has already verified it). Returns 0; -EBADMSG when
 * len < 8 or when an error (types 1..4) does not quote a full IPv6 fixed
 * header (version 6); the upper-layer header is decoded when its 8 bytes
 * are there and no extension header precedes it.
 */
SC_EXTERN int sc_icmp6_parse(const void *buf, size_t len, const uint8_t *src,
                             const uint8_t *dst, struct sc_icmp *out);

/*
 * Write an echo request or reply (type 8/0) with id, sequence and payload,
 * checksum computed. Returns 8 + payload_length, -ENOSPC, or -EINVAL for a
 * type that is not an echo type or a message over 65535 bytes.
 */
SC_EXTERN int sc_icmp4_echo_pack(void *buf, size_t cap, uint8_t type,
                                 uint16_t id, uint16_t sequence,
                                 const void *payload, size_t payload_length);

/*
 * ICMPv6 echo (type 128/129). With src and dst the checksum is computed over
 * the pseudo-header; with either NULL it is left 0, for a raw ICMPv6 socket
 * whose kernel fills it in (RFC 3542 section 3.1). Returns 8 +
 * payload_length, -ENOSPC, or -EINVAL as sc_icmp4_echo_pack (types 128/129).
 */
SC_EXTERN int sc_icmp6_echo_pack(void *buf, size_t cap, uint8_t type,
                                 uint16_t id, uint16_t sequence,
                                 const void *payload, size_t payload_length,
                                 const uint8_t *src, const uint8_t *dst);

/*
 * Write an ICMPv4 error message of the given type and code, bytes 4..7 from
 * rest (host order; see struct sc_icmp), quoting the original datagram's
 * first quote_length bytes (its IP header and at least 8 more bytes). Used
 * by test responders and fuzz seeds. Returns the length, -ENOSPC, or
 * -EINVAL for a type that is not an error type (3, 4, 5, 11, 12) or a quote
 * that sc_icmp4_parse would reject.
 */
SC_EXTERN int sc_icmp4_error_pack(void *buf, size_t cap, uint8_t type,
                                  uint8_t code, uint32_t rest,
                                  const void *quote, size_t quote_length);


/* ------------------------------------------------------------------------ */
/* Event loop (epoll)                                                        */
/* ------------------------------------------------------------------------ */
/*
 * One loop per thread: watched descriptors, timers, signals and a wake-up
 * from other threads, all dispatched from sc_loop_run on the loop's thread.
 * The design follows the small backends of redis (ae_epoll.c) and libuv.
 *
 * Registrations are named by an sc_watch_id: (generation << 32) | (slot + 1),
 * which is also what the kernel holds in each epoll event's 64-bit data. A
 * slot's generation changes when it is freed, so an event still queued in
 * the current epoll_wait batch for a registration that was removed (and
 * whose descriptor number was reused by a new registration) no longer
 * matches and is dropped: it reaches neither the new owner nor freed
 * memory. Removing any registration, from any callback, is therefore safe.
 * (A slot would have to be reused 2^32 times within one batch to alias.)
 *
 * Timers live in a binary min-heap keyed by (deadline, start order) whose
 * earliest deadline becomes epoll_wait's timeout: unlike one timerfd per
 * timer this costs no descriptor and no system call to start or cancel a
 * timer, and cancelling removes the heap entry at once (a server restarting
 * an idle timeout per request does not grow the heap). The price is
 * epoll_wait's millisecond granularity: a timer fires at its deadline or up
 * to about a millisecond after it, never before. Clock: CLOCK_MONOTONIC.
 *
 * Memory: sc_loop_new allocates the loop; the registration table and the
 * timer heap grow (doubling) when a registration or timer is added.
 * Dispatching events, firing timers and waking never allocate.
 *
 * Errors: every function that can fail returns 0 or a negative errno, and
 * leaves the loop as it was on failure. Nothing prints or exits.
 *
 * Thread safety: sc_loop_wake and sc_loop_stop may be called from any
 * thread (and from signal handlers: they use only an atomic flag and
 * write(2) on an eventfd). Every other function belongs to the thread
 * running the loop, or to the thread that owns it while it is not running.
 *
 * Ownership: the loop owns its epoll descriptor, its eventfd and its
 * signalfd. Watched descriptors stay the caller's: the loop never closes
 * them. Context pointers are passed back untouched and never freed.
 */
typedef struct sc_loop sc_loop;

/* Names a registration (a watch or a timer); 0 is never a valid id. */
typedef uint64_t sc_watch_id;

/* Interest (sc_loop_watch, sc_loop_modify) and readiness (callbacks) bits. */
#define SC_READABLE 0x1u /* data, a connection to accept, end of file */
#define SC_WRITABLE 0x2u /* room to write, a finished connect */
#define SC_EDGE 0x4u     /* interest only: edge-triggered (EPOLLET) */
#define SC_HANGUP 0x8u   /* reported only: the peer closed (EPOLLHUP, EPOLLRDHUP);
                            data may still be waiting: read until 0 */
#define SC_ERROR 0x10u   /* reported only: an error is pending (EPOLLERR);
                            the next read/write/getsockopt(SO_ERROR) tells it */

/*
 * Callbacks run on the loop's thread, inside sc_loop_run. They may call any
 * sc_loop_* function on their loop, except sc_loop_run and sc_loop_free.
 * `id` is the registration being reported; `fd` its descriptor.
 */
typedef void (*sc_io_fn)(sc_loop *loop, sc_watch_id id, int fd, unsigned events, void *context);
typedef void (*sc_timer_fn)(sc_loop *loop, sc_watch_id id, void *context);
typedef void (*sc_signal_fn)(sc_loop *loop, int signo, void *context);
typedef void (*sc_wake_fn)(sc_loop *loop, void *context);

/*
 * Creates a loop: an epoll instance and an eventfd for wake-ups, both
 * close-on-exec. Stores it in *out and returns 0; or -EINVAL (out is NULL),
 * -ENOMEM, or the negative errno of epoll_create1(2)/eventfd(2) (-EMFILE
 * when out of descriptors). Free it with sc_loop_free.
 */
SC_EXTERN int sc_loop_new(sc_loop **out);

/*
 * Frees the loop: its memory, its epoll descriptor, eventfd and signalfd,
 * and every registration and timer still in it (without calling them).
 * Watched descriptors are the caller's and are not closed. NULL is ignored.
 * Not while sc_loop_run is running, nor while another thread may still call
 * sc_loop_wake or sc_loop_stop on it.
 */
SC_EXTERN void sc_loop_free(sc_loop *loop);

/*
 * Watches `fd` for `events`: SC_READABLE and/or SC_WRITABLE, plus SC_EDGE for
 * edge-triggered reporting (only changes are reported: read or write until
 * EAGAIN); level-triggered otherwise. `fn(loop, id, fd, happened, context)`
 * gets what happened, SC_HANGUP and SC_ERROR included even when not asked
 * for. Interest 0 is allowed (only hang-ups and errors are reported).
 * Stores the new id in *out (when not NULL) and returns 0; -EINVAL (NULL
 * loop or fn, negative fd, unknown bits), -EEXIST (fd is already watched by
 * this loop), -EPERM (fd does not support epoll, e.g. a regular file),
 * -ENOMEM, or another negative errno of epoll_ctl(2).
 */
SC_EXTERN int sc_loop_watch(sc_loop *loop, int fd, unsigned events, sc_io_fn fn, void *context,
                            sc_watch_id *out);

/*
 * Changes the interest of a watch; the usual use is arming SC_WRITABLE only
 * while output is pending. 0 (also when nothing changes, without a system
 * call); -EINVAL (unknown bits), -ENOENT (id is not a live watch), or the
 * negative errno of epoll_ctl(2).
 */
SC_EXTERN int sc_loop_modify(sc_loop *loop, sc_watch_id id, unsigned events);

/*
 * Stops watching: no event of this registration is delivered afterwards,
 * not even one already fetched in the current round. Call it before closing
 * the descriptor: epoll watches the open file, not the number, so a
 * descriptor closed first while the file stays open elsewhere (dup(2),
 * fork(2)) goes on being reported, to no one. The id is released in every
 * case. 0; -ENOENT (id is not a live watch); or, after releasing the id,
 * the negative errno of an EPOLL_CTL_DEL that failed for another reason
 * than the descriptor being closed already (EBADF, ENOENT: fine).
 */
SC_EXTERN int sc_loop_unwatch(sc_loop *loop, sc_watch_id id);

/*
 * Stops watching a descriptor the caller closes right after, without the
 * epoll_ctl(2) of sc_loop_unwatch (one system call fewer per connection):
 * the close removes the registration. If the open file stays open elsewhere
 * for a while (a spawned child before its exec), its events are still
 * fetched but dropped, as the id's generation is gone. Not for a descriptor
 * that stays open. 0; -EINVAL (NULL loop); -ENOENT (id is not a live watch).
 */
SC_EXTERN int sc_loop_forget(sc_loop *loop, sc_watch_id id);

/*
 * Starts a timer on the monotonic clock: fn runs once `first_ns` from now,
 * then every `repeat_ns` after that deadline (0: once). A repeating timer
 * keeps its phase: periods missed while the loop was busy are skipped, not
 * run in a burst. Timers due together fire in the order they were started;
 * a timer started from a timer callback fires in a later round at the
 * earliest, even with first_ns 0. A one-shot timer's id is released before
 * its callback runs (cancelling it there returns -ENOENT). Stores the id in
 * *out (when not NULL). 0, -EINVAL (NULL loop or fn), -ENOMEM.
 */
SC_EXTERN int sc_loop_timer(sc_loop *loop, uint64_t first_ns, uint64_t repeat_ns, sc_timer_fn fn,
                            void *context, sc_watch_id *out);

/*
 * Cancels a timer, also from any callback including its own; a timer due in
 * the same round that has not run yet will not run. 0, -EINVAL (NULL loop),
 * -ENOENT (not a live timer: already fired once-only, or cancelled).
 */
SC_EXTERN int sc_loop_timer_cancel(sc_loop *loop, sc_watch_id id);

/*
 * Delivers `signo` into the loop through a signalfd(2): `fn` runs on the
 * loop's thread, where anything may be done, instead of in a signal handler.
 * The caller must first block the signal in every thread of the process
 * (pthread_sigmask(SIG_BLOCK) in the main thread before starting threads),
 * or the signal is delivered the ordinary way and the loop never sees it.
 * Signals are per process: with several loops taking the same signal, any
 * one of them gets each occurrence. Standard signals that arrive together
 * coalesce into one call. One callback per signal; fn NULL stops taking
 * it (it stays blocked). The signalfd is the loop's own (not counted by
 * sc_loop_active). 0; -EINVAL (NULL loop, signo out of 1..64, SIGKILL,
 * SIGSTOP); or the negative errno of signalfd(2)/epoll_ctl(2).
 */
SC_EXTERN int sc_loop_signal(sc_loop *loop, int signo, sc_signal_fn fn, void *context);

/* Calls `fn` on the loop's thread once after one or more sc_loop_wake calls
 * (they coalesce). NULL fn removes it. Loop thread only. */
SC_EXTERN void sc_loop_on_wake(sc_loop *loop, sc_wake_fn fn, void *context);

/*
 * Wakes the loop from any thread: a sleeping sc_loop_run returns from
 * epoll_wait and calls the sc_loop_on_wake function. Wake-ups coalesce: one
 * eventfd write per burst. 0; -EINVAL (NULL loop), or write(2)'s negative
 * errno. Thread-safe and async-signal-safe.
 */
SC_EXTERN int sc_loop_wake(sc_loop *loop);

/*
 * Makes sc_loop_run return once the current round has been dispatched (at
 * once if called before it starts, so a stop is never lost). Thread-safe
 * and async-signal-safe; from a callback too. NULL is ignored.
 */
SC_EXTERN void sc_loop_stop(sc_loop *loop);

#define SC_RUN_DEFAULT 0 /* until sc_loop_stop (also with nothing to watch) */
#define SC_RUN_ONCE 1    /* wait once for events, timers or a wake, dispatch, return */
#define SC_RUN_NOWAIT 2  /* dispatch what is ready now, without waiting */

/*
 * Runs the loop on the calling thread in one of the modes above. Returns 0;
 * -EINVAL (NULL loop, unknown mode), -EBUSY (called from one of this loop's
 * callbacks: the loop is not re-entrant), or epoll_wait(2)'s negative errno
 * (EINTR is retried). To run until nothing is left, call SC_RUN_ONCE while
 * sc_loop_active() is not 0.
 */
SC_EXTERN int sc_loop_run(sc_loop *loop, int mode);

/* The number of live watches and timers the caller made (the loop's own
 * eventfd and signalfd not counted): 0 means nothing is left to wait for,
 * e.g. a server that stopped accepting has no connection left. */
SC_EXTERN size_t sc_loop_active(const sc_loop *loop);

/* The monotonic time in ns (CLOCK_MONOTONIC), taken when the current round's
 * events were fetched: cheap, and the same for every callback of a round. */
SC_EXTERN uint64_t sc_loop_now(const sc_loop *loop);

/*
 * accept4(2) that survives running out of descriptors, for a non-blocking
 * listener. `flags` are accept4's (SOCK_NONBLOCK; SOCK_CLOEXEC is always
 * added); `peer`/`peer_length` may be NULL, as in accept4. ECONNABORTED
 * (a connection reset while in the backlog) and EINTR are retried.
 *
 * Returns the new descriptor, or a negative errno: -EAGAIN when no
 * connection is waiting, -EMFILE/-ENFILE when out of descriptors, others
 * as accept4. On -EMFILE/-ENFILE with a reserve descriptor held in *reserve
 * (see sc_reserve_open) it does what libuv's uv__emfile_trick does: closes
 * the reserve, accepts every waiting connection and closes each at once
 * (the clients see an orderly close instead of a hang, and a
 * level-triggered loop does not spin on a listener that stays readable),
 * reopens the reserve and adds the number closed to *shed (when not NULL).
 * The caller still gets -EMFILE/-ENFILE, to log it.
 *
 * If no reserve is held (reserve NULL, or *reserve < 0 because reopening it
 * failed: another thread took the descriptor), nothing is shed: the caller
 * must stop watching the listener for a while (a timer) or its loop spins.
 * A missing reserve is reopened by the next successful call.
 * *reserve stays the caller's to close. Safe to call from several threads
 * with one reserve each.
 */
SC_EXTERN int sc_accept(int listener, void *peer, unsigned *peer_length, int flags, int *reserve,
                        unsigned long *shed);

/* Opens a reserve descriptor for sc_accept (/dev/null, read-only,
 * close-on-exec). Returns it (the caller closes it) or a negative errno. */
SC_EXTERN int sc_reserve_open(void);

#ifdef __cplusplus
}
#endif

#endif /* SOCKCORE_H */
