/*
 * Timers: a binary min-heap of (deadline, start order, id) drives the
 * epoll_wait timeout. A cancelled timer's slot is released at once and its
 * heap entry is skipped when it comes up (its id is stale by then).
 */
#include "loop_internal.h"

#include <errno.h>
#include <stdlib.h>

static bool earlier(const struct sc__heap_entry *a, const struct sc__heap_entry *b) {
  return a->deadline_ns < b->deadline_ns || (a->deadline_ns == b->deadline_ns && a->sequence < b->sequence);
}

static void swap(struct sc__heap_entry *a, struct sc__heap_entry *b) {
  struct sc__heap_entry t = *a;
  *a = *b;
  *b = t;
}

static int heap_push(sc_loop *loop, uint64_t deadline_ns, sc_watch_id id) {
  if (loop->heap_count == loop->heap_capacity) {
    size_t grown = loop->heap_capacity ? loop->heap_capacity * 2 : 16;
    struct sc__heap_entry *heap = realloc(loop->heap, grown * sizeof *heap);
    if (heap == NULL)
      return -ENOMEM;
    loop->heap = heap;
    loop->heap_capacity = grown;
  }
  size_t i = loop->heap_count++;
  loop->heap[i] = (struct sc__heap_entry){deadline_ns, loop->timer_sequence++, id};
  while (i > 0 && earlier(&loop->heap[i], &loop->heap[(i - 1) / 2])) {
    swap(&loop->heap[i], &loop->heap[(i - 1) / 2]);
    i = (i - 1) / 2;
  }
  return 0;
}

static void heap_pop(sc_loop *loop) {
  loop->heap[0] = loop->heap[--loop->heap_count];
  size_t i = 0;
  for (;;) {
    size_t left = 2 * i + 1, right = left + 1, least = i;
    if (left < loop->heap_count && earlier(&loop->heap[left], &loop->heap[least]))
      least = left;
    if (right < loop->heap_count && earlier(&loop->heap[right], &loop->heap[least]))
      least = right;
    if (least == i)
      return;
    swap(&loop->heap[i], &loop->heap[least]);
    i = least;
  }
}

/* Drops cancelled entries from the top, so the top is a live timer. */
static void heap_prune(sc_loop *loop) {
  while (loop->heap_count > 0 && sc__slot_find(loop, loop->heap[0].id, SC__TIMER) == NULL)
    heap_pop(loop);
}

int sc_loop_timer(sc_loop *loop, uint64_t first_ns, uint64_t repeat_ns, sc_timer_fn fn, void *context,
                  sc_watch_id *out) {
  if (loop == NULL || fn == NULL)
    return -EINVAL;
  uint32_t index;
  int rc = sc__slot_take(loop, &index);
  if (rc < 0)
    return rc;
  sc_watch_id id = sc__slot_id(loop, index);
  uint64_t deadline = sc__monotonic_ns() + first_ns;
  rc = heap_push(loop, deadline, id);
  if (rc < 0) {
    loop->slots[index].next_free = loop->free_head;
    loop->free_head = index;
    return rc;
  }
  struct sc__slot *slot = &loop->slots[index];
  slot->kind = SC__TIMER;
  slot->fn.timer = fn;
  slot->context = context;
  slot->deadline_ns = deadline;
  slot->repeat_ns = repeat_ns;
  loop->active++;
  if (out)
    *out = id;
  return 0;
}

int sc_loop_timer_cancel(sc_loop *loop, sc_watch_id id) {
  if (loop == NULL)
    return -EINVAL;
  if (sc__slot_find(loop, id, SC__TIMER) == NULL)
    return -ENOENT;
  sc__slot_release(loop, (uint32_t)id - 1);
  loop->active--;
  return 0;
}

int64_t sc__timer_timeout_ns(const sc_loop *loop) {
  heap_prune((sc_loop *)loop);
  if (loop->heap_count == 0)
    return -1;
  uint64_t now = sc__monotonic_ns();
  uint64_t deadline = loop->heap[0].deadline_ns;
  return deadline > now ? (int64_t)(deadline - now) : 0;
}

void sc__timer_run_due(sc_loop *loop) {
  uint64_t now = loop->now_ns;
  /* Timers started by these callbacks, even with 0 delay, wait for the next
   * round: otherwise a timer restarting itself would never let the loop go. */
  uint64_t last_sequence = loop->timer_sequence;
  while (loop->heap_count > 0 && loop->heap[0].deadline_ns <= now && loop->heap[0].sequence < last_sequence) {
    struct sc__heap_entry due = loop->heap[0];
    heap_pop(loop);
    struct sc__slot *slot = sc__slot_find(loop, due.id, SC__TIMER);
    if (slot == NULL)
      continue;
    sc_timer_fn fn = slot->fn.timer;
    void *context = slot->context;
    if (slot->repeat_ns == 0) {
      sc__slot_release(loop, (uint32_t)due.id - 1);
      loop->active--;
    } else {
      /* The next period from the planned deadline, so a repeating timer does
       * not drift; periods missed while the loop was busy are skipped. */
      uint64_t next = slot->deadline_ns + slot->repeat_ns;
      if (next <= now)
        next = now + slot->repeat_ns - (now - slot->deadline_ns) % slot->repeat_ns;
      slot->deadline_ns = next;
      if (heap_push(loop, next, due.id) < 0) {
        /* Out of memory for the heap: the timer cannot fire again. */
        sc__slot_release(loop, (uint32_t)due.id - 1);
        loop->active--;
      }
    }
    fn(loop, due.id, context);
  }
}

void sc__timer_free_all(sc_loop *loop) {
  free(loop->heap);
  loop->heap = NULL;
  loop->heap_count = loop->heap_capacity = 0;
}
