/*
 * The worker thread (work.h). The loop submits and takes results; the
 * thread only runs jobs. Finished jobs wait on a list, and the first one
 * put on an empty list writes a byte to a pipe whose read end is an event
 * on the loop: the loop then takes the whole list at once.
 */

#include "work.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <event2/event.h>

#include "log.h"
#include "xmalloc.h"

struct work_job {
	work_fn		 fn;
	void		*job;
	struct work_job	*next;
};

struct worker {
	pthread_t	 thread;
	pthread_mutex_t	 mu;
	pthread_cond_t	 more;		/* a job queued, or stop */
	pthread_cond_t	 ran;		/* a job finished */
	struct work_job	*todo;		/* FIFO, under mu */
	struct work_job	**todo_tail;
	struct work_job	*done;		/* FIFO, under mu */
	struct work_job	**done_tail;
	bool		 busy;		/* running one, under mu */
	bool		 stop;		/* under mu */
	size_t		 pending;	/* the loop's count: submitted, not
					   yet handed back */
	size_t		 maxq;
	int		 wake[2];	/* pipe: worker -> loop */
	struct event	*ev;
	work_done_fn	 done_cb;
	void		*arg;
};

static void *
worker_main(void *arg)
{
	struct worker	*w = arg;
	struct work_job	*j;
	const char	 c = 0;

	pthread_mutex_lock(&w->mu);
	for (;;) {
		while (w->todo == NULL && !w->stop)
			pthread_cond_wait(&w->more, &w->mu);
		if ((j = w->todo) == NULL)
			break;		/* stopping, and nothing left */
		if ((w->todo = j->next) == NULL)
			w->todo_tail = &w->todo;
		w->busy = true;
		pthread_mutex_unlock(&w->mu);
		j->fn(j->job);
		pthread_mutex_lock(&w->mu);
		w->busy = false;
		j->next = NULL;
		*w->done_tail = j;
		w->done_tail = &j->next;
		/* A full pipe already holds a wake-up: nothing lost. */
		if (w->done == j && write(w->wake[1], &c, 1) == -1 &&
		    errno != EAGAIN)
			log_warn("worker: wake-up");
		pthread_cond_broadcast(&w->ran);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

/* Hands finished jobs to the done callback, in order (loop thread). */
static void
worker_deliver(struct worker *w)
{
	struct work_job	*list, *j;

	pthread_mutex_lock(&w->mu);
	list = w->done;
	w->done = NULL;
	w->done_tail = &w->done;
	pthread_mutex_unlock(&w->mu);
	while ((j = list) != NULL) {
		list = j->next;
		w->pending--;
		w->done_cb(j->job, w->arg);
		free(j);
	}
}

static void
worker_wake_cb(evutil_socket_t fd, short what, void *arg)
{
	char	buf[64];

	(void)what;
	while (read(fd, buf, sizeof(buf)) > 0)
		continue;
	worker_deliver(arg);
}

struct worker *
worker_new(struct event_base *base, size_t maxq, work_done_fn done_cb,
    void *arg)
{
	struct worker	*w = xcalloc(1, sizeof(*w));
	sigset_t	 all, old;
	int		 rc;

	w->todo_tail = &w->todo;
	w->done_tail = &w->done;
	w->maxq = maxq > 0 ? maxq : 1;
	w->done_cb = done_cb;
	w->arg = arg;
	if (pipe2(w->wake, O_NONBLOCK | O_CLOEXEC) == -1)
		fatal("worker: pipe");
	if ((w->ev = event_new(base, w->wake[0], EV_READ | EV_PERSIST,
	    worker_wake_cb, w)) == NULL || event_add(w->ev, NULL) == -1)
		fatalx("worker: event_new");
	if (pthread_mutex_init(&w->mu, NULL) != 0 ||
	    pthread_cond_init(&w->more, NULL) != 0 ||
	    pthread_cond_init(&w->ran, NULL) != 0)
		fatalx("worker: pthread init");
	/* Signals are the loop's business (libevent's signal events). */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&w->thread, NULL, worker_main, w);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0)
		fatalx("worker: pthread_create: error %d", rc);
	return w;
}

bool
worker_submit(struct worker *w, work_fn fn, void *job)
{
	struct work_job	*j;

	if (w == NULL || w->pending >= w->maxq)
		return false;
	j = xcalloc(1, sizeof(*j));
	j->fn = fn;
	j->job = job;
	pthread_mutex_lock(&w->mu);
	*w->todo_tail = j;
	w->todo_tail = &j->next;
	pthread_cond_signal(&w->more);
	pthread_mutex_unlock(&w->mu);
	w->pending++;
	return true;
}

size_t
worker_pending(const struct worker *w)
{
	return w != NULL ? w->pending : 0;
}

void
worker_drain(struct worker *w)
{
	if (w == NULL)
		return;
	pthread_mutex_lock(&w->mu);
	while (w->todo != NULL || w->busy)
		pthread_cond_wait(&w->ran, &w->mu);
	pthread_mutex_unlock(&w->mu);
	worker_deliver(w);
}

void
worker_free(struct worker *w)
{
	if (w == NULL)
		return;
	/* Done callbacks may submit more: until none is left. */
	while (w->pending > 0)
		worker_drain(w);
	pthread_mutex_lock(&w->mu);
	w->stop = true;
	pthread_cond_signal(&w->more);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->thread, NULL);
	event_free(w->ev);
	close(w->wake[0]);
	close(w->wake[1]);
	pthread_cond_destroy(&w->ran);
	pthread_cond_destroy(&w->more);
	pthread_mutex_destroy(&w->mu);
	free(w);
}
