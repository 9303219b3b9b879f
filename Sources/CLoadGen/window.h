/* The phases every load of the generator goes through, echo and HTTP alike:
 * connecting, a warm-up that is run but not measured, the measured window
 * (its length and the generator's own CPU over it), done. */
#ifndef SOCKWORKS_LOADGEN_WINDOW_H
#define SOCKWORKS_LOADGEN_WINDOW_H

#include <stdint.h>
#include <sys/resource.h>

#include <sockcore.h>

enum lg__phase { CONNECTING, WARMING_UP, MEASURING, DONE };

typedef struct lg__window {
  sc_loop *loop;
  enum lg__phase phase;
  uint64_t warmup_ns, duration_ns;
  /* The caller's hook, told as the window opens (1) and closes (0); may be NULL. */
  void (*report)(void *context, int opened);
  void *report_context;
  /* Where the window's length and CPU go when it closes. */
  uint64_t *window_ns, *cpu_user_ns, *cpu_system_ns;
  sc_watch_id connect_timer, phase_timer;
  uint64_t start_ns;
  struct rusage usage_start;
} lg__window;

/* A window in CONNECTING for a load of `warmup_ns`, then `duration_ns`
 * measured, told to `report` (may be NULL), its length and CPU written to
 * the three places given when it closes. The caller sets `loop`. */
lg__window lg__window_make(uint64_t warmup_ns, uint64_t duration_ns, void (*report)(void *context, int opened),
                           void *report_context, uint64_t *window_ns, uint64_t *cpu_user_ns, uint64_t *cpu_system_ns);

/* Connecting is over: cancels the connect timer, runs the warm-up, then
 * measures for the duration and stops the loop. Only from CONNECTING. */
void lg__window_warm_up(lg__window *window);

/* Ends the measured window now (a request limit reached) and stops the
 * loop. Only from MEASURING. */
void lg__window_close(lg__window *window);

#endif
