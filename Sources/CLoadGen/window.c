#include "window.h"

#include "clock.h"

static void on_window_end(sc_loop *loop, sc_watch_id id, void *context) { lg__window_close(context); }

static void on_window_start(sc_loop *loop, sc_watch_id id, void *context) {
  lg__window *window = context;
  if (window->report)
    window->report(window->report_context, 1);
  window->phase = MEASURING;
  window->start_ns = lg__now_ns();
  getrusage(RUSAGE_SELF, &window->usage_start);
  sc_loop_timer(loop, window->duration_ns, 0, on_window_end, window, &window->phase_timer);
}

void lg__window_warm_up(lg__window *window) {
  if (window->phase != CONNECTING)
    return;
  window->phase = WARMING_UP;
  sc_loop_timer_cancel(window->loop, window->connect_timer);
  sc_loop_timer(window->loop, window->warmup_ns, 0, on_window_start, window, &window->phase_timer);
}

void lg__window_close(lg__window *window) {
  if (window->phase != MEASURING)
    return;
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  *window->window_ns = lg__now_ns() - window->start_ns;
  *window->cpu_user_ns = lg__timeval_ns(usage.ru_utime) - lg__timeval_ns(window->usage_start.ru_utime);
  *window->cpu_system_ns = lg__timeval_ns(usage.ru_stime) - lg__timeval_ns(window->usage_start.ru_stime);
  window->phase = DONE;
  if (window->report)
    window->report(window->report_context, 0);
  sc_loop_stop(window->loop);
}

lg__window lg__window_make(uint64_t warmup_ns, uint64_t duration_ns, void (*report)(void *context, int opened),
                           void *report_context, uint64_t *window_ns, uint64_t *cpu_user_ns, uint64_t *cpu_system_ns) {
  return (lg__window){
      .phase = CONNECTING,
      .warmup_ns = warmup_ns,
      .duration_ns = duration_ns,
      .report = report,
      .report_context = report_context,
      .window_ns = window_ns,
      .cpu_user_ns = cpu_user_ns,
      .cpu_system_ns = cpu_system_ns,
  };
}
