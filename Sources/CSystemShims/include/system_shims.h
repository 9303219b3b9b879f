/*
 * Shims for the few system calls Swift cannot import directly: those behind
 * _GNU_SOURCE, macros and variadic functions. Each returns 0 or a negative
 * errno, like the C core.
 */
#ifndef SOCKWORKS_SYSTEM_SHIMS_H
#define SOCKWORKS_SYSTEM_SHIMS_H

/* Pins the calling thread to one CPU (sched_setaffinity(2)). */
int shim_pin_thread_to_cpu(int cpu);

struct sockaddr;

/*
 * accept4(2) (a GNU extension Swift's Glibc module does not import), so that
 * accepted sockets get SOCK_CLOEXEC atomically. Returns the new descriptor,
 * or a negative errno.
 *
 * `length` is a socklen_t (unsigned int on Linux). This header includes no
 * system header: one included here would belong to this module in Swift's
 * eyes, and names such as SOCK_STREAM could then go missing from files that
 * import only Glibc (seen as "cannot find 'SOCK_STREAM' in scope").
 */
int shim_accept4(int fd, struct sockaddr *address, unsigned int *length, int flags);

/*
 * recvmmsg(2) and sendmmsg(2) (GNU extensions): up to `count` datagrams in
 * one call. `messages` is an array of `struct mmsghdr` (64 bytes each: a
 * msghdr, then the byte count), which SocketCore lays out itself. recvmmsg
 * is given no timeout. Return how many datagrams were received or sent, or
 * a negative errno.
 */
int shim_recvmmsg(int fd, void *messages, unsigned int count, int flags);
int shim_sendmmsg(int fd, void *messages, unsigned int count, int flags);

/*
 * prctl(PR_SET_CHILD_SUBREAPER) (prctl is variadic): orphaned descendants
 * are re-parented to the calling process instead of to init, so it can reap
 * them and wait for them. Returns 0 or a negative errno.
 */
int shim_set_child_subreaper(void);

/*
 * pipe2(2) with O_CLOEXEC: both ends, atomically, so that no program another
 * thread starts meanwhile inherits them. Returns 0 or a negative errno.
 */
int shim_pipe_cloexec(int ends[2]);

/*
 * posix_spawn file actions that are GNU extensions: chdir in the child
 * (posix_spawn_file_actions_addchdir_np, glibc 2.29) and closing every
 * descriptor from `lowest` up (posix_spawn_file_actions_addclosefrom_np,
 * glibc 2.34; close_range(2) in the child). `actions` is a
 * posix_spawn_file_actions_t *. Return 0 or a negative errno.
 */
int shim_spawn_add_chdir(void *actions, const char *directory);
int shim_spawn_add_closefrom(void *actions, int lowest);

/*
 * syslog(3) for Swift, which cannot call variadic C functions: openlog with
 * LOG_PID | LOG_NDELAY (`ident` must stay valid while logging), and one
 * message, passed as "%s" so that a '%' in it is text.
 */
void shim_openlog(const char *ident, int facility);
void shim_syslog(int priority, const char *message);

/*
 * A float as printf's "%g" writes it (ping's packet loss), into `buffer` of
 * `size` bytes, NUL-terminated. Returns snprintf's count.
 */
int shim_format_float_g(char *buffer, unsigned long size, float value);

/*
 * eventfd(2), non-blocking and close-on-exec (<sys/eventfd.h> is not part of
 * Swift's Glibc module). Returns the descriptor or a negative errno.
 */
int shim_eventfd(void);

/*
 * openat2(2) (Linux 5.6; glibc 2.36 has no wrapper): opens `path` relative to
 * the descriptor `directory` with `flags` (O_*, no O_CREAT) and `resolve`, a
 * set of the RESOLVE_* flags of <linux/openat2.h> mirrored here. Returns the
 * descriptor or a negative errno (-ENOSYS on an older kernel, -EXDEV when
 * RESOLVE_BENEATH refuses a path that leads out of `directory`). O_PATH
 * (behind _GNU_SOURCE) is mirrored too.
 */
enum { SHIM_RESOLVE_NO_MAGICLINKS = 0x02, SHIM_RESOLVE_BENEATH = 0x08, SHIM_O_PATH = 010000000 };
int shim_openat2(int directory, const char *path, int flags, unsigned long long resolve);

/*
 * memfd_create(2) with MFD_CLOEXEC: an anonymous file in memory (a request
 * body handed to a CGI script as its standard input). `name` shows in
 * /proc/PID/fd only. Returns the descriptor or a negative errno.
 */
int shim_memfd(const char *name);

/*
 * pidfd_open(2) (Linux 5.3; glibc 2.36's wrapper is in a header Swift's
 * Glibc module does not include): a close-on-exec descriptor that becomes
 * readable when the process `pid`, a child of ours, ends. Returns the
 * descriptor or a negative errno.
 */
int shim_pidfd_open(int pid);

/*
 * An epoll set (epoll_create1 with EPOLL_CLOEXEC) used as one descriptor
 * that is readable when any descriptor added to it is: a session that must
 * wait on several pipes at once gives the model this one. Level-triggered,
 * readable interest only. Return the descriptor, or 0, or a negative errno.
 */
int shim_epoll_create(void);
int shim_epoll_add_readable(int set, int descriptor);
int shim_epoll_remove(int set, int descriptor);

/*
 * A counter in memory shared with every process forked after it is made
 * (an anonymous MAP_SHARED page, never unmapped): the CGI scripts running
 * at once across the fork models' connection processes, bounded by `take`.
 * `create` returns NULL when mmap fails (errno set). `take` adds one and
 * returns 1 unless the counter is already at `limit` (then 0).
 */
int *shim_shared_counter_create(void);
int shim_shared_counter_take(int *counter, int limit);
void shim_shared_counter_release(int *counter);
int shim_shared_counter_value(int *counter);

/*
 * UDP generic segmentation offload (UDP_SEGMENT, Linux 4.18): the control
 * message that makes one sendmsg of a run of equal-size datagrams to one
 * recipient go out as that many datagrams of `segment` bytes (the last may
 * be shorter). `size` is the room the message takes; `control` writes it
 * into `buffer` (that much room, aligned as a cmsghdr) and returns it.
 */
unsigned long shim_udp_segment_control_size(void);
unsigned long shim_udp_segment_control(void *buffer, unsigned short segment);

/*
 * A terminal's size in characters (ioctl TIOCGWINSZ; ioctl is variadic, so
 * Swift cannot call it): 0, or a negative errno (ENOTTY for a pipe).
 */
int shim_terminal_size(int descriptor, unsigned short *columns, unsigned short *rows);

/*
 * signalfd(2), which Glibc's module does not export: a non-blocking,
 * close-on-exec descriptor for `signals` (block them first), or a negative
 * errno; `signals` points to a sigset_t. `next` reads one signal from it: its number, 0 when none is
 * pending, or a negative errno.
 */
int shim_signalfd(const void *signals);
int shim_signalfd_next(int descriptor);

/*
 * splice(2) between two descriptors, one of them a pipe, at their own file
 * positions, with SPLICE_F_MOVE (and SPLICE_F_NONBLOCK for the pipe when
 * `nonblocking` is not 0): a socket's data reaches a file through a pipe
 * without being copied up to the process. Returns the count moved (0 at the
 * end of the input) or a negative errno.
 */
long shim_splice(int from, int to, unsigned long count, int nonblocking);

/*
 * fcntl(F_SETPIPE_SZ) (fcntl is variadic): asks for a pipe of `size` bytes.
 * Returns the size the kernel gave (a power-of-two count of pages) or a
 * negative errno (EPERM above /proc/sys/fs/pipe-max-size for a user).
 */
int shim_set_pipe_size(int descriptor, int size);

#endif
