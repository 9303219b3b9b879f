#define _GNU_SOURCE
#include "system_shims.h"

#include <errno.h>
#include <stddef.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103 /* linux/udp.h; older libc headers lack it */
#endif

_Static_assert(sizeof(socklen_t) == sizeof(unsigned int), "socklen_t is declared as unsigned int in the header");

int shim_accept4(int fd, struct sockaddr *address, unsigned int *length, int flags) {
  int accepted = accept4(fd, address, length, flags);
  return accepted >= 0 ? accepted : -errno;
}

/* The layout Swift mirrors in `DatagramBatch` (a msghdr, then the byte count). */
_Static_assert(sizeof(struct mmsghdr) == 64, "struct mmsghdr is 64 bytes on 64-bit Linux");
_Static_assert(offsetof(struct mmsghdr, msg_len) == sizeof(struct msghdr), "msg_len follows the msghdr");

int shim_recvmmsg(int fd, void *messages, unsigned int count, int flags) {
  int received = recvmmsg(fd, messages, count, flags, NULL);
  return received >= 0 ? received : -errno;
}

int shim_sendmmsg(int fd, void *messages, unsigned int count, int flags) {
  int sent = sendmmsg(fd, messages, count, flags);
  return sent >= 0 ? sent : -errno;
}

unsigned long shim_udp_segment_control_size(void) { return CMSG_SPACE(sizeof(uint16_t)); }

unsigned long shim_udp_segment_control(void *buffer, unsigned short segment) {
  struct msghdr message = {.msg_control = buffer, .msg_controllen = CMSG_SPACE(sizeof(uint16_t))};
  struct cmsghdr *control = CMSG_FIRSTHDR(&message);
  control->cmsg_level = SOL_UDP;
  control->cmsg_type = UDP_SEGMENT;
  control->cmsg_len = CMSG_LEN(sizeof(uint16_t));
  memcpy(CMSG_DATA(control), &segment, sizeof segment);
  return CMSG_SPACE(sizeof(uint16_t));
}
