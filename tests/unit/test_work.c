/*
 * daemon/work.c, the parse worker: jobs run off the calling thread, in
 * order; done callbacks come back on the loop's thread, in the same
 * order, from the event or from a drain; the queue is bounded; freeing
 * drains first.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "work.h"

#define NJOBS	200

struct tjob {
	int		 seq;
	pthread_t	 ran_on;
	unsigned	 sum;		/* some work, so jobs overlap the loop */
};

struct tstate {
	struct event_base *base;
	pthread_t	 loop;
	int		 next;		/* seq the next done must have */
	int		 ndone;
	int		 bad_order;
	int		 bad_thread;
	int		 want;		/* loop exits at so many */
};

static void
tjob_run(void *arg)
{
	struct tjob	*j = arg;

	j->ran_on = pthread_self();
	for (unsigned i = 0; i < 20000; i++)
		j->sum += i * (unsigned)j->seq;
}

static void
tjob_done(void *arg, void *state)
{
	struct tjob	*j = arg;
	struct tstate	*ts = state;

	if (j->seq != ts->next)
		ts->bad_order++;
	ts->next = j->seq + 1;
	if (!pthread_equal(pthread_self(), ts->loop) ||
	    pthread_equal(j->ran_on, ts->loop))
		ts->bad_thread++;
	ts->ndone++;
	free(j);
	if (ts->want > 0 && ts->ndone == ts->want)
		event_base_loopbreak(ts->base);
}

static struct tjob *
tjob_new(int seq)
{
	struct tjob	*j = calloc(1, sizeof(*j));

	assert_non_null(j);
	j->seq = seq;
	return j;
}

/* Submits until the queue is full, then runs the loop until those are
 * back; again until NJOBS. */
static void
test_order_and_threads(void **state)
{
	struct tstate	 ts = { 0 };
	struct worker	*w;
	struct timeval	 limit = { 30, 0 };
	int		 seq = 0, rounds = 0, refused = 0;

	(void)state;
	ts.base = event_base_new();
	ts.loop = pthread_self();
	w = worker_new(ts.base, 8, tjob_done, &ts);
	while (seq < NJOBS && rounds++ < NJOBS) {
		struct tjob	*j;

		while (seq < NJOBS) {
			j = tjob_new(seq);
			if (!worker_submit(w, tjob_run, j)) {
				free(j);
				refused++;
				break;
			}
			seq++;
		}
		assert_true(worker_pending(w) <= 8);
		ts.want = seq;
		event_base_loopexit(ts.base, &limit);
		event_base_dispatch(ts.base);
		assert_int_equal(ts.ndone, seq);
		assert_int_equal(worker_pending(w), 0);
	}
	assert_int_equal(ts.ndone, NJOBS);
	assert_int_equal(ts.bad_order, 0);
	assert_int_equal(ts.bad_thread, 0);
	assert_true(refused > 0);
	worker_free(w);
	event_base_free(ts.base);
	printf("work: %d jobs on the worker, done in order on the loop, "
	    "queue of 8 refused %d times: ok\n", NJOBS, refused);
}

/* A drain hands back every job at once, without the loop; freeing with
 * jobs queued drains them too. */
static void
test_drain_and_free(void **state)
{
	struct tstate	 ts = { 0 };
	struct worker	*w;

	(void)state;
	ts.base = event_base_new();
	ts.loop = pthread_self();
	w = worker_new(ts.base, 16, tjob_done, &ts);
	for (int i = 0; i < 16; i++)
		assert_true(worker_submit(w, tjob_run, tjob_new(i)));
	assert_false(worker_submit(w, tjob_run, (void *)1));
	worker_drain(w);
	assert_int_equal(ts.ndone, 16);
	assert_int_equal(worker_pending(w), 0);
	/* The wake-ups left in the pipe find nothing: no second callback. */
	event_base_loop(ts.base, EVLOOP_NONBLOCK);
	assert_int_equal(ts.ndone, 16);
	for (int i = 16; i < 24; i++)
		assert_true(worker_submit(w, tjob_run, tjob_new(i)));
	worker_free(w);
	assert_int_equal(ts.ndone, 24);
	assert_int_equal(ts.bad_order, 0);
	assert_int_equal(ts.bad_thread, 0);
	worker_free(NULL);
	assert_int_equal(worker_pending(NULL), 0);
	assert_false(worker_submit(NULL, tjob_run, NULL));
	event_base_free(ts.base);
	printf("work: drain hands back all 16 at once, free drains 8 more, "
	    "NULL worker harmless: ok\n");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_and_threads),
		cmocka_unit_test(test_drain_and_free),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
