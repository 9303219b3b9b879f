/*
 * Timers: a binary min-heap of (deadline, start order, slot) drives the
 * epoll_wait timeout (see sockcore.h for why a heap and not timerfds).
 * Each timer's slot remembers where its entry sits in the heap, so a
 * cancelled timer leaves the heap at once, in O(log n), instead of waiting
 * there until its deadline comes up.
 */
#include "loop_internal.h"

#include <errno.h>
#include <stdlib.h>

static bool earlier(const struct sc__heap_entry *a, const struct sc__heap_entry *b) {
  return a->deadline_ns < b->deadline_ns || (a->deadline_ns == b->deadline_ns && a->sequence < b->sequence);
}

/* Puts an entry at heap position i and tells its slot where it is. */
static void place(sc_loop *loop, size_t i, struct sc__heap_entry entry) {
  loop->heap[i] = entry;
  loop->slots[entry.slot].heap_index = (uint32_t)i;
}

static void sift_up(sc_loop *loop, size_t i) {
  struct sc__heap_entry entry = loop->heap[i];
  while (i > 0 && earlier(&entry, &loop->heap[(i - 1) / 2])) {
    place(loop, i, loop->heap[(i - 1) / 2]);
    i = (i - 1) / 2;
  }
  place(loop, i, entry);
}

static void sift_down(sc_loop *loop, size_t i) {
  struct sc__heap_entry entry = loop->heap[i];
  for (;;) {
    size_t left = 2 * i + 1, right = left + 1, least = i;
    const struct sc__heap_entry *best = &entry;
    if (left < loop->heap_count && earlier(&loop->heap[left], best))
      least = left, best = &loop->heap[left];
    if (right < loop->heap_count && earlier(&loop->heap[right], best))
      least = right;
    if (least == i)
      break;
    place(loop, i, loop->heap[least]);
    i = least;
  }
  place(loop, i, entry);
}

/* Grows the heap so that one more entry fits: the only allocation here,
 * made when a timer is started, never when one fires or repeats. */
static int heap_reserve(sc_loop *loop) {
  if (loop->heap_count < loop->heap_capacity)
    return 0;
  size_t grown = loop->heap_capacity ? loop->heap_capacity * 2 : 16;
  struct sc__heap_entry *heap = realloc(loop->heap, grown * sizeof *heap);
  if (heap == NULL)
    return -ENOMEM;
  loop->heap = heap;
  loop->heap_capacity = grown;
  return 0;
}

static void heap_push(sc_loop *loop, uint64_t deadline_ns, uint32_t slot) {
  size_t i = loop->heap_count++;
  loop->heap[i] = (struct sc__heap_entry){deadline_ns, loop->timer_sequence++, slot};
  sift_up(loop, i);
}

static void heap_remove(sc_loop *loop, size_t i) {
  size_t last = --loop->heap_count;
  if (i == last)
    return;
  place(loop, i, loop->heap[last]);
  if (i > 0 && earlier(&loop->heap[i], &loop->heap[(i - 1) / 2]))
    sift_up(loop, i);
  else
    sift_down(loop, i);
}

static uint64_t saturating_add(uint64_t a, uint64_t b) { return b > UINT64_MAX - a ? UINT64_MAX : a + b; }

void sc__timer_remove(sc_loop *loop, uint32_t slot) { heap_remove(loop, loop->slots[slot].heap_index); }

int sc_loop_timer(sc_loop *loop, uint64_t first_ns, uint64_t repeat_ns, sc_timer_fn fn, void *context,
                  sc_watch_id *out) {
  if (loop == NULL || fn == NULL)
    return -EINVAL;
  int rc = heap_reserve(loop);
  if (rc < 0)
    return rc;
  uint32_t index;
  rc = sc__slot_take(loop, &index);
  if (rc < 0)
    return rc;
  struct sc__slot *slot = &loop->slots[index];
  slot->kind = SC__TIMER;
  slot->fn.timer = fn;
  slot->context = context;
  /* A delay too large for the clock means "never", not a wrap into the past. */
  slot->deadline_ns = saturating_add(sc__monotonic_ns(), first_ns);
  slot->repeat_ns = repeat_ns;
  heap_push(loop, slot->deadline_ns, index);
  loop->active++;
  if (out)
    *out = sc__slot_id(loop, index);
  return 0;
}

int sc_loop_timer_cancel(sc_loop *loop, sc_watch_id id) {
  if (loop == NULL)
    return -EINVAL;
  if (sc__slot_find(loop, id, SC__TIMER) == NULL)
    return -ENOENT;
  uint32_t index = (uint32_t)id - 1;
  sc__timer_remove(loop, index);
  sc__slot_release(loop, index);
  loop->active--;
  return 0;
}

int64_t sc__timer_timeout_ns(const sc_loop *loop) {
  if (loop->heap_count == 0)
    return -1;
  uint64_t now = sc__monotonic_ns();
  uint64_t deadline = loop->heap[0].deadline_ns;
  if (deadline <= now)
    return 0;
  return deadline - now > INT64_MAX ? INT64_MAX : (int64_t)(deadline - now);
}

void sc__timer_run_due(sc_loop *loop) {
  uint64_t now = loop->now_ns;
  /* Timers started by these callbacks, even with 0 delay, wait for the next
   * round: otherwise a timer restarting itself would never let the loop go.
   * Their deadlines are not before `now`, so they sort after every timer
   * that was due when the round began. */
  uint64_t last_sequence = loop->timer_sequence;
  while (loop->heap_count > 0 && loop->heap[0].deadline_ns <= now && loop->heap[0].sequence < last_sequence) {
    uint32_t index = loop->heap[0].slot;
    struct sc__slot *slot = &loop->slots[index];
    sc_watch_id id = sc__slot_id(loop, index);
    sc_timer_fn fn = slot->fn.timer;
    void *context = slot->context;
    heap_remove(loop, 0);
    if (slot->repeat_ns == 0) {
      sc__slot_release(loop, index);
      loop->active--;
    } else {
      /* The next period from the planned deadline, so a repeating timer does
       * not drift; periods missed while the loop was busy are skipped. The
       * entry just removed leaves room: re-adding it cannot fail. */
      uint64_t next = saturating_add(slot->deadline_ns, slot->repeat_ns);
      if (next <= now)
        next = saturating_add(now, slot->repeat_ns - (now - slot->deadline_ns) % slot->repeat_ns);
      slot->deadline_ns = next;
      heap_push(loop, next, index);
    }
    fn(loop, id, context);
  }
}

void sc__timer_free_all(sc_loop *loop) {
  free(loop->heap);
  loop->heap = NULL;
  loop->heap_count = loop->heap_capacity = 0;
}
