#include "response.h"

#include <string.h>
#include <strings.h>

void lg__response_init(lg__response *response, const lg__expected *expected) {
  response->expected = expected;
  response->in_body = false;
  response->head_length = 0;
  response->body_received = 0;
  response->body_differs = false;
  response->keep_alive = false;
  lg_checksum_init(&response->sum);
}

static bool is_ows(char c) { return c == ' ' || c == '\t'; }

/* Whether the comma-separated list `value` holds `token`, in any case
 * (RFC 9110 section 5.6.1). */
static bool list_holds(const char *value, size_t length, const char *token) {
  size_t token_length = strlen(token), i = 0;
  while (i < length) {
    while (i < length && (is_ows(value[i]) || value[i] == ','))
      i++;
    size_t start = i;
    while (i < length && value[i] != ',')
      i++;
    size_t end = i;
    while (end > start && is_ows(value[end - 1]))
      end--;
    if (end - start == token_length && strncasecmp(value + start, token, token_length) == 0)
      return true;
  }
  return false;
}

/* A Content-Length value: digits only, no overflow (RFC 9110 section 8.6). */
static bool parse_length(const char *value, size_t length, uint64_t *out) {
  if (length == 0 || length > 19)
    return false;
  uint64_t n = 0;
  for (size_t i = 0; i < length; i++) {
    if (value[i] < '0' || value[i] > '9')
      return false;
    n = n * 10 + (uint64_t)(value[i] - '0');
  }
  *out = n;
  return true;
}

/* Parses the head in response->head (ending in CRLF CRLF). */
static lg__verdict parse_head(lg__response *response) {
  const char *p = response->head, *end = response->head + response->head_length - 2;
  /* status-line = HTTP-version SP status-code SP [ reason-phrase ] */
  if (response->head_length < 14 || memcmp(p, "HTTP/1.", 7) != 0 || (p[7] != '0' && p[7] != '1') || p[8] != ' ')
    return LG__CORRUPTED;
  bool version_1_0 = p[7] == '0';
  if (p[9] < '0' || p[9] > '9' || p[10] < '0' || p[10] > '9' || p[11] < '0' || p[11] > '9' || p[12] != ' ')
    return LG__CORRUPTED;
  bool ok = memcmp(p + 9, "200", 3) == 0;
  const char *line = memchr(p, '\n', (size_t)(end - p));
  if (line == NULL || line[-1] != '\r')
    return LG__CORRUPTED;
  line++;
  bool have_length = false, chunked = false, close = false, keep_alive = false;
  uint64_t length = 0;
  while (line < end) {
    const char *eol = memchr(line, '\n', (size_t)(end - line));
    if (eol == NULL || eol[-1] != '\r')
      return LG__CORRUPTED; /* a bare LF */
    const char *colon = memchr(line, ':', (size_t)(eol - line));
    if (colon == NULL || colon == line || is_ows(colon[-1]) || is_ows(line[0]))
      return LG__CORRUPTED; /* no name, space before the colon, obs-fold */
    const char *value = colon + 1, *value_end = eol - 1;
    while (value < value_end && is_ows(*value))
      value++;
    while (value_end > value && is_ows(value_end[-1]))
      value_end--;
    size_t name_length = (size_t)(colon - line), value_length = (size_t)(value_end - value);
    if (name_length == 14 && strncasecmp(line, "Content-Length", 14) == 0) {
      uint64_t n;
      if (!parse_length(value, value_length, &n) || (have_length && n != length))
        return LG__CORRUPTED;
      have_length = true;
      length = n;
    } else if (name_length == 17 && strncasecmp(line, "Transfer-Encoding", 17) == 0) {
      chunked = true; /* any transfer coding: static files come with a length */
    } else if (name_length == 10 && strncasecmp(line, "Connection", 10) == 0) {
      close |= list_holds(value, value_length, "close");
      keep_alive |= list_holds(value, value_length, "keep-alive");
    }
    line = eol + 1;
  }
  if (!ok || chunked || !have_length)
    return LG__FAILED;
  if (length != response->expected->length)
    return LG__CORRUPTED;
  /* RFC 9112 section 9.3: 1.1 persists unless "close"; 1.0 only with
   * "keep-alive". */
  response->keep_alive = !close && (!version_1_0 || keep_alive);
  response->in_body = true;
  return LG__MORE;
}

static lg__verdict body_end(lg__response *response) {
  const lg__expected *expected = response->expected;
  if (expected->checksum_only && lg_checksum_value(&response->sum) != expected->checksum)
    response->body_differs = true;
  return response->body_differs ? LG__WRONG_BODY : LG__COMPLETE;
}

lg__verdict lg__response_feed(lg__response *response, const uint8_t *data, size_t count, size_t *consumed) {
  size_t used = 0;
  if (!response->in_body) {
    /* Copy byte by byte up to the head's end, CRLF CRLF, which may arrive
     * split across reads. */
    while (used < count) {
      if (response->head_length == LG__HEAD_MAX) {
        *consumed = used;
        return LG__CORRUPTED;
      }
      char c = (char)data[used++];
      response->head[response->head_length++] = c;
      size_t n = response->head_length;
      if (c == '\n' && n >= 4 && memcmp(response->head + n - 4, "\r\n\r\n", 4) == 0)
        break;
    }
    size_t n = response->head_length;
    if (n < 4 || memcmp(response->head + n - 4, "\r\n\r\n", 4) != 0) {
      *consumed = used;
      return LG__MORE;
    }
    lg__verdict head = parse_head(response);
    if (head != LG__MORE) {
      *consumed = used;
      return head;
    }
    if (response->expected->length == 0) {
      *consumed = used;
      return body_end(response);
    }
  }
  const lg__expected *expected = response->expected;
  size_t wanted = (size_t)(expected->length - response->body_received);
  size_t take = count - used < wanted ? count - used : wanted;
  if (expected->checksum_only)
    lg_checksum_add(&response->sum, data + used, take);
  else if (memcmp(data + used, expected->body + response->body_received, take) != 0)
    response->body_differs = true;
  response->body_received += take;
  used += take;
  *consumed = used;
  return response->body_received == expected->length ? body_end(response) : LG__MORE;
}
