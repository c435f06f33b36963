#ifndef WORK_H
#define WORK_H

/*
 * One worker thread beside the loop, for CPU work on fetched bodies
 * (parse or scrape, then tag) so that the loop stores one batch while the
 * next is parsed: a cold start of hundreds of sources was CPU-bound on
 * the loop's one core. Jobs run in the order submitted; each job's done
 * callback runs afterwards on the loop's thread, from an event, in the
 * same order. Nothing here touches libevent from the worker; a job may
 * use SQLite on a connection of its own (run.c's checkpointer, a
 * second worker).
 */

#include <stdbool.h>
#include <stddef.h>

struct event_base;
struct worker;

typedef void	(*work_fn)(void *job);			/* on the worker */
typedef void	(*work_done_fn)(void *job, void *arg);	/* on the loop */

/* maxq bounds the jobs waiting or running: each holds a body. */
struct worker	*worker_new(struct event_base *, size_t maxq, work_done_fn,
		    void *arg);
/* Queues job; false when maxq are already queued, or w is NULL. */
bool		 worker_submit(struct worker *, work_fn, void *job);
/* Jobs submitted and not yet handed to their done callback. */
size_t		 worker_pending(const struct worker *);
/* Waits until every queued job ran and calls their done callbacks now:
 * afterwards the worker touches nothing until the next submit. */
void		 worker_drain(struct worker *);
/* Drains, stops the thread and frees. NULL is fine. */
void		 worker_free(struct worker *);

#endif /* WORK_H */
