/*
 * One HTTP response as the load generator reads it, apart from any socket
 * so that tests can drive it: the head is collected and parsed (RFC 9112
 * sections 4 and 5), then the body is checked against the expected file
 * as it arrives.
 */
#ifndef SOCKWORKS_LOADGEN_RESPONSE_H
#define SOCKWORKS_LOADGEN_RESPONSE_H

#include "loadgen_http.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The largest response head accepted; static servers send a few hundred
 * bytes. */
#define LG__HEAD_MAX 4096u

/* What every response must carry. */
typedef struct lg__expected {
  const uint8_t *body;
  size_t length;
  bool checksum_only;
  uint64_t checksum; /* lg_checksum_value of body, when checksum_only */
} lg__expected;

typedef enum lg__verdict {
  LG__MORE,      /* the response is not complete yet */
  LG__COMPLETE,  /* a whole, correct response */
  LG__WRONG_BODY, /* a whole response whose body differs: framing intact */
  LG__CORRUPTED, /* a wrong length or a malformed head: framing lost */
  LG__FAILED,    /* not a 200 with Content-Length */
} lg__verdict;

typedef struct lg__response {
  const lg__expected *expected;
  bool in_body;
  size_t head_length;
  uint64_t body_received;
  bool body_differs;
  bool keep_alive; /* the server lets the connection carry another request */
  lg_checksum sum;
  char head[LG__HEAD_MAX];
} lg__response;

void lg__response_init(lg__response *response, const lg__expected *expected);

/* Consumes bytes of the response from `data`, at most up to its end, and
 * says how many in *consumed. */
lg__verdict lg__response_feed(lg__response *response, const uint8_t *data, size_t count, size_t *consumed);

#endif
