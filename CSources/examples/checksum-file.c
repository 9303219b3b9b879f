/*
 * checksum-file: print the Internet checksum (RFC 1071) of a file, read in
 * pieces of odd sizes to show sc_checksum_partial() chaining.
 *
 *   cc checksum-file.c $(pkg-config --cflags --libs sockcore) -o checksum-file
 *   ./checksum-file FILE
 *
 * Prints "0xNNNN" (the checksum as a big-endian number, the way a packet dump
 * shows it), the byte count and the checksum path this CPU uses.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <sockcore.h>

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s FILE\n", argv[0]);
    return 2;
  }
  FILE *file = fopen(argv[1], "rb");
  if (file == NULL) {
    fprintf(stderr, "%s: %s\n", argv[1], strerror(errno));
    return 1;
  }
  /* 4093 is odd on purpose: every other piece starts mid-word. */
  unsigned char piece[4093];
  uint32_t sum = 0;
  unsigned long long total = 0;
  size_t n;
  while ((n = fread(piece, 1, sizeof piece, file)) > 0) {
    sum = sc_checksum_partial(piece, n, sum);
    total += n;
  }
  int failed = ferror(file);
  fclose(file);
  if (failed) {
    fprintf(stderr, "%s: read error\n", argv[1]);
    return 1;
  }
  /* The folded value is in memory order: its first byte goes first on the wire. */
  uint16_t check = sc_checksum_fold(sum);
  unsigned char wire[2];
  memcpy(wire, &check, 2);
  printf("0x%02x%02x %llu bytes (%s path, sockcore %s)\n", wire[0], wire[1], total,
         sc_checksum_path_name(sc_checksum_active_path()), sc_version_string());
  return 0;
}
