/*
 * Sources at run time: which are due, which may start now (global and
 * per-host limits, host spacing, Retry-After), and what happens when a
 * fetch ends: parse or scrape, tag, keep-if-topic, then store, remember
 * the source's state and plan the next fetch, the fetches that ended in
 * one loop turn together in one store batch (each feed atomic, one
 * commit). A failure is logged once per change of outcome, naming the
 * source; a source failing never delays another.
 */

#include "daemon.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>
#include <libxml/uri.h>

#include "config.h"
#include "entry.h"
#include "fetch.h"
#include "log.h"
#include "parse.h"
#include "sched.h"
#include "scrape.h"
#include "store.h"
#include "tag.h"
#include "text.h"
#include "work.h"
#include "xmalloc.h"

/* Entries kept per fetched document, as scrape.c keeps items of a page:
 * a feed's first fetch stores them all in one go on the loop, at about
 * 0.4 ms each (tests/integration/test_hostile_sources.py: 5000 kept the
 * loop, every transfer and the HTTP side waiting 2 s, 3.5 s under ASan;
 * 1000 is under half a second). More is an archive, not a feed. */
#define RUN_MAX_ENTRIES		1000
/* Bodies queued on the worker: at most so many and, but for the first,
 * so many bytes. The others wait in the daemon's backlog, and while it
 * holds RUN_BACKLOG_MAX bodies or RUN_BACKLOG_BYTES no transfer starts:
 * fetching waits for parsing, never the other way round. */
#define RUN_PARSE_QUEUE		8
#define RUN_PARSE_BYTES		(16 * 1024 * 1024)
#define RUN_BACKLOG_MAX		32
#define RUN_BACKLOG_BYTES	(32 * 1024 * 1024)
#define RUN_RETAG_BATCH		500	/* entries per loop turn */
#define RUN_RETAG_PUTOFF	30	/* s a busy worker defers it */
#define RUN_SPREAD_WINDOW	120	/* s over which a restart starts */

/* Outcomes, for logging once per change. */
enum run_outcome {
	RUN_NONE,
	RUN_OK,
	RUN_NOT_MODIFIED,
	RUN_FAILED,
	RUN_WARNED		/* stored, but the admin should know: a
				   broken feed recovered, entries over
				   the cap left out */
};

struct run_fetch {
	struct daemon	*d;
	char		*id;		/* the source, looked up again at the
					   end: a reload may have removed it */
	char		*url;
	size_t		 host;		/* index into d->hosts: stable, hosts
					   are only ever added */
};

/* A fetch that ended, waiting for the next store batch (run_flush). */
struct run_done {
	struct run_fetch	*rf;
	struct feed		*f;		/* parsed and tagged, to store;
						   NULL: nothing to store */
	struct store_prep	*prep;		/* of f, made on the worker */
	char			*url;		/* the feed's, which it may
						   point to */
	struct sched_input	 in;
	enum run_outcome	 outcome;	/* RUN_OK once f is stored */
	char			 what[320];
	char			*etag;		/* validators and redirect to */
	char			*lastmod;	/* remember on success */
	char			*redirect;
	long			 http_status;
	time_t			 now;
	struct store_put_result	 res;		/* counted and logged once
						   committed */
	uint64_t		 body_hash;	/* of f's body, once stored */
	uint64_t		 reloads;	/* d->stats.reloads then */
	bool			 tell;		/* log res once committed */
};

/* A store batch waits this long for more fetches ending, at most. */
#define RUN_FLUSH_WAIT_MS	50
#define RUN_FLUSH_MAX		64

static void	run_flush(struct daemon *);
static void	run_flush_some(struct daemon *);
static size_t	run_parsing(const struct daemon *);
static void	run_index_soon(struct daemon *);

static double
run_monotonic(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static struct source_run *
run_find(struct daemon *d, const char *id)
{
	for (size_t i = 0; i < d->nsources; i++)
		if (strcmp(d->sources[i].id, id) == 0)
			return &d->sources[i];
	return NULL;
}

/* The host part of a URL, lower case; "" when there is none. */
static char *
run_host_of(const char *url)
{
	xmlURIPtr	 u;
	char		*h;

	if ((u = xmlParseURI(url)) == NULL)
		return xstrdup("");
	h = xstrdup(u->server != NULL ? u->server : "");
	xmlFreeURI(u);
	for (char *p = h; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p += 'a' - 'A';
	return h;
}

static size_t
run_host_index(struct daemon *d, const char *url)
{
	char	*h = run_host_of(url);

	for (size_t i = 0; i < d->nhosts; i++)
		if (strcmp(d->hosts[i].name, h) == 0) {
			free(h);
			return i;
		}
	d->hosts = xreallocarray(d->hosts, d->nhosts + 1, sizeof(*d->hosts));
	memset(&d->hosts[d->nhosts], 0, sizeof(d->hosts[0]));
	d->hosts[d->nhosts].name = h;
	d->hosts[d->nhosts].last_start = -1e9;
	return d->nhosts++;
}

/*
 * (Re)builds the runtime records from d->cfg: a source kept across a
 * reload keeps its record; a new one starts from what the store
 * remembers, spread over the first minutes when it is overdue.
 */
void
run_sources_load(struct daemon *d)
{
	struct source_run		*old = d->sources, *v, *o;
	size_t				 nold = d->nsources, n = 0;
	struct store_source_state	 st;
	time_t				 now = time(NULL);
	char				 err[256];
	int				 ival;

	v = xcalloc(d->cfg->nsources + 1, sizeof(*v));
	for (size_t i = 0; i < d->cfg->nsources; i++) {
		const struct source	*src = &d->cfg->sources[i];
		struct source_run	*sr = &v[n];

		if (!src->enabled)
			continue;
		o = NULL;
		for (size_t j = 0; j < nold; j++)
			if (old[j].id != NULL && strcmp(old[j].id, src->id) == 0)
				o = &old[j];
		if (o != NULL) {
			*sr = *o;
			o->id = NULL;	/* moved */
			/* Its settings or the topics may have changed: the
			 * same body may make another feed now. */
			sr->body_hash = 0;
		} else {
			sr->id = xstrdup(src->id);
			if (store_source_get(d->store, src->id, &st, err,
			    sizeof(err)) == -1) {
				log_warnx("source %s: state: %s", src->id, err);
				memset(&st, 0, sizeof(st));
			}
			/* One cycle (fetch --once) takes what is due as it
			 * is; a daemon spreads its start, over no more than
			 * the source's interval: one fetched every few
			 * seconds must not wait two minutes. */
			ival = src->interval > 0 ? src->interval :
			    d->cfg->default_interval;
			sr->next_fetch = d->once ? st.next_fetch :
			    sched_spread_start(src->id, st.next_fetch, now,
			    ival > 0 && ival < RUN_SPREAD_WINDOW ? ival :
			    RUN_SPREAD_WINDOW);
			sr->error_streak = st.error_streak;
			/* Failing before a restart: not news to log again. */
			sr->last_outcome = st.error_streak > 0 ? RUN_FAILED :
			    RUN_NONE;
			sr->disabled = st.disabled;
			sr->last_fetch = st.last_fetch;
			sr->last_success = st.last_success;
			if (store_source_last_new(d->store, src->id,
			    &sr->last_new, err, sizeof(err)) == -1)
				log_warnx("source %s: state: %s", src->id, err);
		}
		sr->src = src;
		sr->host = run_host_index(d, src->url);
		n++;
	}
	for (size_t j = 0; j < nold; j++)
		free(old[j].id);	/* sources no longer configured */
	free(old);
	d->sources = v;
	d->nsources = n;
}

void
run_sources_free(struct daemon *d)
{
	/* Fetches ended but not yet stored (the loop left early): store
	 * them now, the store is still open. */
	run_flush(d);
	if (d->flush != NULL)
		event_free(d->flush);
	d->flush = NULL;
	if (d->index != NULL)
		event_free(d->index);
	d->index = NULL;
	for (size_t i = 0; i < d->nsources; i++)
		free(d->sources[i].id);
	free(d->sources);
	d->sources = NULL;
	d->nsources = 0;
	for (size_t i = 0; i < d->nhosts; i++)
		free(d->hosts[i].name);
	free(d->hosts);
	d->hosts = NULL;
	d->nhosts = 0;
}

/* How often the source publishes, from this fetch's entry dates. */
static int
run_publish_gap(const struct feed *f, time_t now)
{
	time_t	*dates;
	size_t	 n = 0;
	int	 gap;

	dates = xcalloc(f->nentries + 1, sizeof(*dates));
	for (size_t i = 0; i < f->nentries; i++) {
		const struct entry	*e = &f->entries[i];

		dates[n++] = e->published != DATE_NONE ? e->published :
		    e->updated;
	}
	gap = sched_publish_gap(dates, n, now);
	free(dates);
	return gap;
}

static bool
run_keep_tagged(const struct entry *e, void *arg)
{
	(void)arg;
	return e->ntopics > 0;
}

/* A source restricted to some topics (`topics = {...}`) keeps only
 * those on its entries. */
static void
run_limit_topics(const struct source *src, struct entry *e)
{
	size_t	kept = 0;

	for (size_t i = 0; i < e->ntopics; i++) {
		for (size_t j = 0; j < src->ntopics; j++) {
			if (strcmp(e->topics[i].id, src->topics[j]) == 0) {
				e->topics[kept++] = e->topics[i];
				break;
			}
		}
	}
	e->ntopics = kept;
}

/* Parses or scrapes a body into a tagged feed; NULL and a reason when it
 * is no feed. */
/* The feed may point to url (entries' base), which must outlive it; its
 * strings from the configuration are copied, as a reload may come
 * before it is stored. */
static struct feed *
run_read_body(struct daemon *d, const struct source *src, const char *body,
    size_t len, const char *content_type, const char *url, char *err,
    size_t errlen)
{
	struct parse_opts	 opts = { 0 };
	struct feed		*f;
	const char		*lang = NULL;

	if (src->type == SOURCE_HTML)
		f = scrape_page(body, len, url, content_type, &src->scrape,
		    err, errlen);
	else {
		opts.url = url;
		opts.content_type = content_type;
		opts.max_entries = RUN_MAX_ENTRIES;
		f = parse_feed(body, len, &opts, err, errlen);
	}
	if (f == NULL)
		return NULL;
	for (size_t i = 0; i < f->nentries; i++) {
		if (f->entries[i].lang == NULL && f->lang != NULL)
			f->entries[i].lang = f->lang;
		else if (f->entries[i].lang == NULL && src->lang != NULL) {
			if (lang == NULL)
				lang = feed_strdup(f, src->lang);
			f->entries[i].lang = lang;
		}
		tag_entry(d->tagger, f, &f->entries[i]);
		if (src->ntopics > 0)
			run_limit_topics(src, &f->entries[i]);
	}
	return f;
}

/* Logs an outcome once per change: a source failing every 10 minutes
 * for a day writes one line, and one more when it recovers. A feed that
 * is still as broken but not modified stays warned about. */
static void
run_log_outcome(struct source_run *sr, enum run_outcome outcome,
    const char *what, time_t next, time_t now)
{
	if (outcome == RUN_NOT_MODIFIED && sr->last_outcome == RUN_WARNED)
		return;
	if (outcome == RUN_WARNED && sr->last_outcome != RUN_WARNED)
		log_warnx("source %s: %s", sr->id, what);
	else if (outcome == RUN_WARNED)
		log_debug("source %s: %s", sr->id, what);
	else if (outcome == RUN_FAILED && next == SCHED_NEVER)
		sr->last_outcome = outcome;	/* logged by the caller */
	else if (outcome == RUN_FAILED && sr->last_outcome != RUN_FAILED)
		log_warnx("source %s: %s, retry in %llds", sr->id, what,
		    (long long)(next - now));
	else if (outcome == RUN_FAILED)
		log_debug("source %s: %s (still failing, %d in a row)", sr->id,
		    what, sr->error_streak);
	else if (sr->last_outcome == RUN_FAILED)
		log_info("source %s: recovered: %s", sr->id, what);
	else if (sr->last_outcome == RUN_WARNED && outcome == RUN_OK)
		log_info("source %s: whole again: %s", sr->id, what);
	else
		log_debug("source %s: %s", sr->id, what);
	sr->last_outcome = outcome;
}

/* What to do after any fetch callback or store flush: stop when a
 * shutdown has nothing left, else fill the slots freed. */
static void
run_after(struct daemon *d)
{
	if (d->stopping && d->in_flight == 0 && d->ndone == 0 &&
	    run_parsing(d) == 0)
		event_base_loopexit(d->base, NULL);
	else {
		/* A slot just freed: fill it now, not at the next tick. */
		run_start_due(d);
		run_schedule(d);
	}
}

static void
run_done_free(struct run_done *rd)
{
	store_prep_free(rd->prep);	/* before the feed it points into */
	feed_free(rd->f);
	free(rd->url);
	free(rd->etag);
	free(rd->lastmod);
	free(rd->redirect);
	free(rd->rf->id);
	free(rd->rf->url);
	free(rd->rf);
	free(rd);
}

/* The outcome of a feed stored, and its line: RUN_WARNED when it was
 * broken and recovered, or had more entries than are kept. */
static void
run_what_stored(const struct source_run *sr, const struct feed *f,
    const struct store_put_result *res, struct run_done *rd)
{
	int	n;

	n = snprintf(rd->what, sizeof(rd->what), "%zu entries: %zu new, "
	    "%zu updated", f->nentries, res->nnew, res->nupdated);
	rd->outcome = RUN_OK;
	if (n < 0 || (size_t)n >= sizeof(rd->what))
		return;
	if (sr->src->type == SOURCE_FEED && f->nskipped > 0) {
		rd->outcome = RUN_WARNED;
		n += snprintf(rd->what + n, sizeof(rd->what) - n, "; more than "
		    "%d entries in the feed: the first %d kept, %zu left out",
		    RUN_MAX_ENTRIES, RUN_MAX_ENTRIES, f->nskipped);
	}
	if (f->bozo && n >= 0 && (size_t)n < sizeof(rd->what)) {
		rd->outcome = RUN_WARNED;
		snprintf(rd->what + n, sizeof(rd->what) - n, "; broken feed, "
		    "recovered: %.160s", f->bozo_reason != NULL ?
		    f->bozo_reason : "?");
	}
}

/*
 * The second half of a fetch's end, within the store batch: store the
 * feed, then the outcome, the next fetch, the log line and the source's
 * state. The source is looked up again: a reload may have removed it.
 */
static void
run_finish(struct daemon *d, struct run_done *rd)
{
	struct source_run		*sr = run_find(d, rd->rf->id);
	struct store_source_state	 st;
	struct store_put_result		 res = { 0 };
	struct feed			*f = rd->f;
	char				 err[256];
	time_t				 now = rd->now, next;

	if (sr == NULL)
		return;
	sr->in_flight = false;
	if (f != NULL) {
		struct store_prep *prep = rd->prep;

		rd->prep = NULL;	/* store_put_prepared frees it */
		if (store_put_prepared(d->store, sr->id, f, prep, &res, err,
		    sizeof(err)) == -1) {
			/* Our side failed (disk full, read-only): nothing
			 * was stored, so fetch again soon without the
			 * validators that would make it a 304. Logged by
			 * run_log_outcome, or not at all while the whole
			 * store fails (run_flush said it once). */
			snprintf(rd->what, sizeof(rd->what), "store: %s", err);
			if (d->store_failing)
				sr->last_outcome = RUN_FAILED;
		} else {
			rd->res = res;	/* counted once committed */
			if (res.nnew > 0)
				sr->last_new = now;
			sched_input_feed(&rd->in, f);
			sr->publish_gap = run_publish_gap(f, now);
			run_what_stored(sr, f, &res, rd);
			/* Told once committed (run_flush); a first warning
			 * carries the same line itself. */
			rd->tell = (res.nnew > 0 || res.nupdated > 0) &&
			    (rd->outcome != RUN_WARNED ||
			    sr->last_outcome == RUN_WARNED);
		}
	}

	if (rd->outcome == RUN_FAILED)
		sr->error_streak++;
	else {
		sr->error_streak = 0;
		sr->last_success = now;
	}
	rd->in.interval = sr->src->interval > 0 ? sr->src->interval :
	    d->cfg->default_interval;
	rd->in.min_interval = d->cfg->min_interval;
	rd->in.max_interval = d->cfg->max_interval;
	rd->in.max_backoff = d->cfg->max_backoff;
	rd->in.errors = sr->error_streak;
	rd->in.gone = sr->disabled;
	rd->in.publish_gap = sr->publish_gap;
	rd->in.jitter = (double)random() / ((double)RAND_MAX + 1);
	next = sched_next(&rd->in);
	sr->next_fetch = next;
	run_log_outcome(sr, rd->outcome, rd->what, next, now);

	/* A permanent redirect is worth one line to the admin. */
	if (rd->redirect != NULL && rd->outcome != RUN_FAILED) {
		if (store_source_get(d->store, sr->id, &st, err,
		    sizeof(err)) == 0 && (st.redirect_url == NULL ||
		    strcmp(st.redirect_url, rd->redirect) != 0))
			log_warnx("source %s: moved permanently to %s: update "
			    "its url", sr->id, rd->redirect);
	}
	if (store_source_get(d->store, sr->id, &st, err, sizeof(err)) == -1)
		memset(&st, 0, sizeof(st));
	if (rd->outcome != RUN_FAILED) {
		st.etag = rd->etag;
		st.last_modified = rd->lastmod;
		if (rd->redirect != NULL)
			st.redirect_url = rd->redirect;
	}
	st.last_status = rd->what;
	st.next_fetch = next;
	st.last_fetch = now;
	st.last_success = sr->last_success;
	st.http_status = (int)rd->http_status;
	st.error_streak = sr->error_streak;
	st.disabled = sr->disabled;
	if (store_source_set(d->store, sr->id, &st, err, sizeof(err)) == -1) {
		if (d->store_failing)
			log_debug("source %s: saving state: %s", sr->id, err);
		else
			log_warnx("source %s: saving state: %s", sr->id, err);
	}
}

/*
 * Writing to the store failed as a whole (disk full, read-only, I/O
 * error): one line naming the database, then quiet until it heals. The
 * daemon goes on serving what is stored; what was fetched meanwhile is
 * fetched again in full, as the validators were not stored either.
 */
static void
run_store_failed(struct daemon *d, const char *err, size_t n)
{
	if (d->store_failing) {
		log_debug("store %s: %s: %zu fetches not stored", d->store_path,
		    err, n);
		return;
	}
	d->store_failing = true;
	log_warnx("store %s: %s: %zu fetches not stored; serving what is "
	    "stored, storing again once it can be written", d->store_path,
	    err, n);
}

/*
 * The checkpointer: a second worker thread, with a connection of its
 * own, copies the WAL back into the database once it holds
 * RUN_CKPT_PAGES and when idle, so that commits on the loop seldom do
 * it (the copy and its two fsyncs were a tenth of a cold ingest's loop
 * time, and the final one at exit another tenth). The WAL, copied back
 * while small, starts again from its beginning instead of growing;
 * past 10,000 pages of steady commits a commit catches up itself
 * (store_wal_notify).
 */
#define RUN_CKPT_PAGES		2000

struct run_ckpt {
	struct store_ckpt *conn;
	int		 rc;
	int		 pages;
	int		 left;
	char		 err[256];
};

static void
run_ckpt_work(void *job)
{
	struct run_ckpt	*ck = job;

	ck->rc = store_ckpt_run(ck->conn, &ck->pages, &ck->left, ck->err,
	    sizeof(ck->err));
}

static void
run_ckpt_submit(struct daemon *d)
{
	struct run_ckpt	*ck;

	if (d->ckpt == NULL)
		return;
	if (worker_pending(d->ckpt) > 0) {
		d->ckpt_again = true;
		return;
	}
	d->wal_dirty = false;
	ck = xcalloc(1, sizeof(*ck));
	ck->conn = d->ckpt_conn;
	if (!worker_submit(d->ckpt, run_ckpt_work, ck))
		free(ck);
}

static void
run_ckpt_done(void *job, void *arg)
{
	struct run_ckpt	*ck = job;
	struct daemon	*d = arg;

	if (ck->rc == -1) {
		if (!d->ckpt_failing)
			log_warnx("store %s: %s", d->store_path, ck->err);
		d->ckpt_failing = true;
	} else {
		if (d->ckpt_failing)
			log_info("store %s: checkpoints work again",
			    d->store_path);
		d->ckpt_failing = false;
		log_debug("store %s: checkpoint: %d of the WAL's %d pages "
		    "in the database", d->store_path, ck->pages - ck->left,
		    ck->pages);
	}
	/* Commits went on while it ran, past the mark: again. */
	if (d->ckpt_again && ck->rc == 0 && d->ckpt != NULL) {
		d->ckpt_again = false;
		run_ckpt_submit(d);
	}
	free(ck);
}

/* After each commit on the loop (store_wal_notify). */
static void
run_wal_cb(void *arg, int pages)
{
	struct daemon	*d = arg;

	d->wal_dirty = true;
	if (pages >= RUN_CKPT_PAGES)
		run_ckpt_submit(d);
}

/* A writable store gets the checkpointer; without one (it could not
 * open) SQLite's automatic checkpoint stays. */
static void
run_ckpt_attach(struct daemon *d)
{
	char	err[512];

	if (d->store == NULL || d->store_readonly)
		return;
	if (d->ckpt_conn == NULL && (d->ckpt_conn =
	    store_ckpt_open(d->store_path, err, sizeof(err))) == NULL) {
		log_warnx("store: %s; commits checkpoint themselves", err);
		return;
	}
	if (d->ckpt == NULL)
		d->ckpt = worker_new(d->base, 1, run_ckpt_done, d);
	store_wal_notify(d->store, run_wal_cb, d);
}

/* A read-only store is opened again for writing when it can be. */
static void
run_store_reopen(struct daemon *d)
{
	struct store	*st;
	char		 err[512];

	if ((st = store_open(d->store_path, err, sizeof(err))) == NULL) {
		log_debug("store: %s", err);
		return;
	}
	store_close(d->store);
	d->store = st;
	d->store_readonly = false;
	log_info("store %s: writable now", d->store_path);
	run_ckpt_attach(d);
}

/*
 * Stores every fetch ended since the last flush in one store batch:
 * each feed is still all or nothing, and the batch commits once with
 * the sources' state. When the commit fails nothing of it is stored:
 * those sources are fetched again in a minute, in full.
 */
static void
run_flush(struct daemon *d)
{
	/* A drain can queue more than RUN_FLUSH_MAX at once. */
	while (d->ndone > 0)
		run_flush_some(d);
}

static void
run_flush_some(struct daemon *d)
{
	struct run_done	**v = d->done;
	size_t		  n = d->ndone;
	bool		  batch;
	char		  err[256];

	if (n > RUN_FLUSH_MAX) {
		/* The first RUN_FLUSH_MAX now, the rest next. */
		d->ndone = n - RUN_FLUSH_MAX;
		d->done = xreallocarray(NULL, d->ndone, sizeof(*d->done));
		memcpy(d->done, v + RUN_FLUSH_MAX, d->ndone *
		    sizeof(*d->done));
		n = RUN_FLUSH_MAX;
	} else {
		d->done = NULL;
		d->ndone = 0;
	}
	if (n == 0)
		return;
	if (d->store_readonly)
		run_store_reopen(d);
	if (!(batch = store_batch_begin(d->store, err, sizeof(err)) == 0))
		run_store_failed(d, err, n);	/* then feed by feed */
	for (size_t i = 0; i < n; i++)
		run_finish(d, v[i]);
	log_debug("store: %zu fetches in one batch", n);
	run_index_soon(d);
	if (batch && store_batch_end(d->store, err, sizeof(err)) == -1) {
		time_t	soon = time(NULL) + 60;

		run_store_failed(d, err, n);
		for (size_t i = 0; i < n; i++) {
			struct source_run *sr = run_find(d, v[i]->rf->id);

			if (sr != NULL && !sr->disabled &&
			    sr->next_fetch > soon)
				sr->next_fetch = soon;
		}
	} else {
		/* Stored (feed by feed, those that could be): now count
		 * and tell. */
		if (batch && d->store_failing) {
			d->store_failing = false;
			log_info("store %s: storing again", d->store_path);
		}
		for (size_t i = 0; i < n; i++) {
			struct run_done	*rd = v[i];
			struct source_run *sr;

			if (rd->outcome != RUN_OK &&
			    rd->outcome != RUN_WARNED)
				continue;
			/* Committed: the same body again is a 304, unless
			 * a reload came between the parse and now. */
			if ((sr = run_find(d, rd->rf->id)) != NULL &&
			    rd->reloads == d->stats.reloads)
				sr->body_hash = rd->body_hash;
			d->stats.entries_new += rd->res.nnew;
			d->stats.entries_updated += rd->res.nupdated;
			if (rd->tell)
				log_info("source %s: %s", rd->rf->id,
				    rd->what);
		}
	}
	for (size_t i = 0; i < n; i++)
		run_done_free(v[i]);
	free(v);
}

static void
run_flush_cb(int fd, short what, void *arg)
{
	struct daemon	*d = arg;

	(void)fd;
	(void)what;
	run_flush(d);
	run_after(d);
}

/*
 * Queues a fetch's end for the next store batch (run_flush, from a
 * timer). While transfers or parses are under way, more ends are near:
 * the batch waits for them, up to RUN_FLUSH_WAIT_MS or RUN_FLUSH_MAX
 * fetches. A commit writes each page it dirtied once, and at a cold
 * start of 500 sources a batch per loop turn (13 feeds) wrote 2.7 pages
 * to the WAL for every page of the archive.
 */
static void
run_queue_done(struct daemon *d, struct run_done *rd)
{
	struct timeval	tv = { 0, 0 };

	d->done = xreallocarray(d->done, d->ndone + 1, sizeof(*d->done));
	d->done[d->ndone++] = rd;
	if ((d->in_flight > 0 || run_parsing(d) > 0) &&
	    d->ndone < RUN_FLUSH_MAX) {
		if (!evtimer_pending(d->flush, NULL)) {
			tv.tv_usec = RUN_FLUSH_WAIT_MS * 1000;
			evtimer_add(d->flush, &tv);
		}
	} else
		evtimer_add(d->flush, &tv);	/* now, if it was waiting */
}

/*
 * A body to parse or scrape and tag, on the worker. src and the tagger
 * stay as they are while it runs: whatever replaces them (a reload, a
 * retag) drains the worker first.
 */
struct run_parse {
	struct run_parse	*next;		/* in the backlog */
	struct daemon		*d;
	struct run_done		*rd;
	const struct source	*src;
	char			*body;
	size_t			 len;
	char			*content_type;
	struct feed		*f;
	struct store_prep	*prep;
	char			 err[256];
};

static void
run_parse_work(void *job)
{
	struct run_parse	*pj = job;

	pj->f = run_read_body(pj->d, pj->src, pj->body, pj->len,
	    pj->content_type, pj->rd->url, pj->err, sizeof(pj->err));
	if (pj->f != NULL && pj->src->keep_if_topic)
		feed_filter_entries(pj->f, run_keep_tagged, NULL);
	/* What the store can make of the feed alone, so that the loop
	 * does only SQLite. */
	if (pj->f != NULL)
		pj->prep = store_prepare(pj->f);
	/* The body is done with: free it here, not in the loop. */
	free(pj->body);
	pj->body = NULL;
}

/* Hands bodies of the backlog to the worker while it has room. */
static void
run_parse_pump(struct daemon *d)
{
	struct run_parse	*pj;

	while ((pj = d->backlog) != NULL) {
		if (worker_pending(d->worker) > 0 &&
		    d->parse_bytes + pj->len > RUN_PARSE_BYTES)
			break;
		if (!worker_submit(d->worker, run_parse_work, pj))
			break;
		if ((d->backlog = pj->next) == NULL)
			d->backlog_tail = &d->backlog;
		d->nbacklog--;
		d->backlog_bytes -= pj->len;
		d->parse_bytes += pj->len;
	}
}

/* Bodies fetched and not parsed yet. */
static size_t
run_parsing(const struct daemon *d)
{
	return worker_pending(d->worker) + d->nbacklog;
}

static void	run_parse_done(void *, void *);

/* Waits until every fetched body is parsed and queued for the store:
 * before what the worker uses (tagger, sources) changes or goes. */
void
run_parse_drain(struct daemon *d)
{
	while (run_parsing(d) > 0) {
		if (d->worker == NULL) {
			/* Cannot happen: no backlog without a worker. */
			break;
		}
		worker_drain(d->worker);	/* its done callbacks pump */
		run_parse_pump(d);
	}
}

/* Back on the loop: the feed goes to the next store batch. */
static void
run_parse_done(void *job, void *arg)
{
	struct run_parse	*pj = job;
	struct daemon		*d = arg;
	struct run_done		*rd = pj->rd;

	if (pj->f == NULL) {
		d->stats.parse_errors++;
		snprintf(rd->what, sizeof(rd->what), "%s", pj->err);
	} else {
		if (pj->f->bozo)
			log_debug("source %s: recovered from: %s", rd->rf->id,
			    pj->f->bozo_reason);
		rd->f = pj->f;		/* stored by run_finish */
		rd->prep = pj->prep;
	}
	d->parse_bytes -= pj->len;
	free(pj->content_type);
	free(pj);
	run_queue_done(d, rd);
	run_parse_pump(d);
}

/* The body's hash with the URL it came from (its relative links resolve
 * against it); never 0, which means none. */
static uint64_t
run_body_hash(const char *url, const char *body, size_t len)
{
	uint64_t	h;

	h = text_hash(text_hash(0, url, strlen(url)), body, len);
	return h != 0 ? h : 1;
}

/*
 * A fetch ended: count it, have what came parsed or scraped and tagged
 * on the worker, and queue it for the next store batch. The source stays in flight until then, so it is
 * not started again meanwhile.
 */
static void
run_fetch_done(struct fetch_result *r, void *arg)
{
	struct run_fetch	*rf = arg;
	struct daemon		*d = rf->d;
	struct source_run	*sr = run_find(d, rf->id);
	struct run_done		*rd;
	struct run_parse	*pj = NULL;
	struct host_run		*h;
	time_t			 now = time(NULL);

	d->in_flight--;
	if ((unsigned)r->status < sizeof(d->stats.fetches) /
	    sizeof(d->stats.fetches[0]))
		d->stats.fetches[r->status]++;
	d->stats.bytes += r->bytes_wire;
	h = &d->hosts[rf->host];
	h->in_flight--;
	if (sr == NULL || r->status == FETCH_CANCELLED) {
		/* Removed by a reload, or we are shutting down. */
		if (sr != NULL)
			sr->in_flight = false;
		free(rf->id);
		free(rf->url);
		free(rf);
		run_after(d);
		return;
	}
	sr->done_once = true;
	sr->last_fetch = now;
	rd = xcalloc(1, sizeof(*rd));
	rd->rf = rf;
	rd->now = now;
	rd->outcome = RUN_FAILED;
	rd->http_status = r->http_status;
	sched_input_init(&rd->in, now);
	rd->in.retry_after = r->retry_after;
	rd->in.max_age = r->max_age;
	rd->in.expires = r->expires;

	switch (r->status) {
	case FETCH_OK:
		rd->url = xstrdup(r->effective_url != NULL ?
		    r->effective_url : sr->src->url);
		rd->body_hash = run_body_hash(rd->url, r->body, r->len);
		rd->reloads = d->stats.reloads;
		if (rd->body_hash == sr->body_hash &&
		    sr->last_outcome != RUN_WARNED) {
			/* The bytes last stored, from a source that sends no
			 * validators (or ignores them): as good as a 304. A
			 * broken feed is parsed again, so that its status
			 * keeps saying what is wrong. */
			rd->outcome = RUN_NOT_MODIFIED;
			snprintf(rd->what, sizeof(rd->what), "not modified "
			    "(the same body)");
			break;
		}
		pj = xcalloc(1, sizeof(*pj));
		pj->d = d;
		pj->rd = rd;
		pj->src = sr->src;
		pj->body = r->body;	/* taken: the fetcher frees NULL */
		pj->len = r->len;
		r->body = NULL;
		if (r->content_type != NULL)
			pj->content_type = xstrdup(r->content_type);
		break;
	case FETCH_NOT_MODIFIED:
		rd->outcome = RUN_NOT_MODIFIED;
		snprintf(rd->what, sizeof(rd->what), "not modified");
		break;
	case FETCH_GONE:
		sr->disabled = true;
		log_warnx("source %s: HTTP 410 Gone: disabled; remove it from "
		    "the configuration or change its url", sr->id);
		snprintf(rd->what, sizeof(rd->what), "HTTP 410 Gone, disabled");
		break;
	case FETCH_HTTP_ERROR:
		snprintf(rd->what, sizeof(rd->what), "HTTP %ld",
		    r->http_status);
		if ((r->http_status == 429 || r->http_status == 503) &&
		    r->retry_after > 0)
			h->retry_after = now + r->retry_after;
		break;
	default:
		snprintf(rd->what, sizeof(rd->what), "%s", r->error[0] !=
		    '\0' ? r->error : fetch_status_name(r->status));
		break;
	}
	if (r->status == FETCH_OK || r->status == FETCH_NOT_MODIFIED) {
		rd->etag = r->etag != NULL ? xstrdup(r->etag) : NULL;
		rd->lastmod = r->last_modified != NULL ?
		    xstrdup(r->last_modified) : NULL;
		if (r->permanent_redirect != NULL)
			rd->redirect = xstrdup(r->permanent_redirect);
	}
	if (pj == NULL)
		run_queue_done(d, rd);
	else if (d->worker == NULL) {
		/* No worker (yet): nothing else tags. */
		d->parse_bytes += pj->len;	/* run_parse_done takes it */
		run_parse_work(pj);
		run_parse_done(pj, d);
	} else {
		/* Never parsed here beside the worker: the tagger is for
		 * one thread at a time. */
		*d->backlog_tail = pj;
		d->backlog_tail = &pj->next;
		d->nbacklog++;
		d->backlog_bytes += pj->len;
		run_parse_pump(d);
		if (d->nbacklog > 0)
			log_debug("parse: worker busy, %zu feeds wait for it",
			    d->nbacklog);
	}
	/* The slot is free: fill it now, not once the batch is stored
	 * (run_queue_done may hold it back a while). */
	run_start_due(d);
}

/* Before the sources, the tagger or the store go: the worker's last jobs
 * end, and what was fetched and parsed is stored. */
void
run_close(struct daemon *d)
{
	struct worker	*ckpt;

	run_parse_drain(d);
	if (d->store != NULL && d->ndone > 0)
		run_flush(d);
	worker_free(d->worker);
	d->worker = NULL;
	/* The checkpoint running ends; the store's close copies the
	 * rest, as the last connection. */
	ckpt = d->ckpt;
	d->ckpt = NULL;		/* no other one submitted */
	worker_free(ckpt);
	store_ckpt_close(d->ckpt_conn);
	d->ckpt_conn = NULL;
	if (d->store != NULL)
		store_wal_notify(d->store, NULL, NULL);
}

static bool
run_may_start(struct daemon *d, struct source_run *sr, time_t now,
    double mono)
{
	struct host_run	*h = &d->hosts[sr->host];
	int		 per_host = d->cfg->per_host_connections > 0 ?
			    d->cfg->per_host_connections : 2;

	if (sr->in_flight || sr->disabled || (d->once && sr->done_once))
		return false;
	if (sr->next_fetch > now)
		return false;
	if (h->retry_after > now) {
		/* The host asked for a pause (429/503 Retry-After). One
		 * cycle skips its sources rather than wait for it. */
		if (d->once && !sr->done_once) {
			sr->done_once = true;
			log_info("source %s: host %s asked to wait until %lld, "
			    "skipped", sr->id, h->name,
			    (long long)h->retry_after);
		}
		return false;
	}
	if (h->in_flight >= per_host)
		return false;
	return mono - h->last_start >= d->cfg->host_spacing;
}

static void
run_start(struct daemon *d, struct source_run *sr, double mono)
{
	struct store_source_state	 st;
	struct fetch_request		 req = { 0 };
	struct run_fetch		*rf;
	char				 err[256];

	if (store_source_get(d->store, sr->id, &st, err, sizeof(err)) == -1)
		memset(&st, 0, sizeof(st));
	rf = xcalloc(1, sizeof(*rf));
	rf->d = d;
	rf->id = xstrdup(sr->id);
	rf->url = xstrdup(sr->src->url);
	rf->host = sr->host;
	req.url = rf->url;
	/* Conditional GET only for what we really stored: a source whose
	 * last fetch failed to store must be read again in full. */
	req.etag = st.etag;
	req.last_modified = st.last_modified;
	if (fetch_start(d->fetcher, &req, run_fetch_done, rf, err,
	    sizeof(err)) == -1) {
		log_warnx("source %s: %s", sr->id, err);
		sr->done_once = true;
		sr->error_streak++;
		sr->next_fetch = time(NULL) + 60;
		free(rf->id);
		free(rf->url);
		free(rf);
		return;
	}
	sr->in_flight = true;
	d->hosts[sr->host].in_flight++;
	d->hosts[sr->host].last_start = mono;
	d->in_flight++;
}

void
run_start_due(struct daemon *d)
{
	time_t	now = time(NULL);
	double	mono = run_monotonic();
	int	max = d->cfg->max_transfers > 0 ? d->cfg->max_transfers : 32;

	if (d->stopping)
		return;
	/* Fetching waits for parsing; the store's flush starts it again. */
	if (d->nbacklog >= RUN_BACKLOG_MAX ||
	    d->backlog_bytes + d->parse_bytes > RUN_BACKLOG_BYTES)
		return;
	for (size_t i = 0; i < d->nsources; i++) {
		if (d->in_flight >= (size_t)max)
			break;
		if (run_may_start(d, &d->sources[i], now, mono))
			run_start(d, &d->sources[i], mono);
	}
}

void
run_mark_all_due(struct daemon *d)
{
	time_t	now = time(NULL);

	for (size_t i = 0; i < d->nsources; i++)
		d->sources[i].next_fetch = now;
}

/* True when fetch --once has nothing left to do. */
static bool
run_once_finished(const struct daemon *d)
{
	time_t	now = time(NULL);

	if (d->in_flight > 0 || d->ndone > 0 || run_parsing(d) > 0)
		return false;
	for (size_t i = 0; i < d->nsources; i++) {
		const struct source_run	*sr = &d->sources[i];

		if (!sr->done_once && !sr->disabled && sr->next_fetch <= now)
			return false;
	}
	return true;
}

static void
run_tick_cb(int fd, short what, void *arg)
{
	struct daemon	*d = arg;

	(void)fd;
	(void)what;
	run_start_due(d);
	run_schedule(d);
}

/*
 * Arms the tick for the next moment something could start: the earliest
 * due source, or a short wait when sources are due but held back by a
 * limit (a transfer ending also calls this).
 */
void
run_schedule(struct daemon *d)
{
	struct timeval	 tv = { 0, 0 };
	time_t		 now = time(NULL), earliest = 0;
	bool		 held = false;

	if (d->once && run_once_finished(d)) {
		event_base_loopexit(d->base, NULL);
		return;
	}
	if (d->stopping)
		return;
	for (size_t i = 0; i < d->nsources; i++) {
		const struct source_run	*sr = &d->sources[i];

		if (sr->in_flight || sr->disabled || (d->once && sr->done_once))
			continue;
		if (sr->next_fetch <= now) {
			held = true;
			break;
		}
		if (!d->once && (earliest == 0 || sr->next_fetch < earliest))
			earliest = sr->next_fetch;
	}
	if (held) {
		/* Due but limited: look again when spacing may allow. */
		tv.tv_usec = 100 * 1000;
		if (d->cfg->host_spacing >= 1.0) {
			tv.tv_sec = 1;
			tv.tv_usec = 0;
		}
	} else if (earliest != 0)
		tv.tv_sec = earliest - now > 3600 ? 3600 : earliest - now;
	else
		tv.tv_sec = 3600;
	evtimer_add(d->tick, &tv);
}

size_t
run_failing(const struct daemon *d)
{
	size_t	n = 0;

	for (size_t i = 0; i < d->nsources; i++)
		if (d->sources[i].error_streak > 0 || d->sources[i].disabled)
			n++;
	return n;
}

/* Re-tagging after topics.conf changed: one batch per loop turn, so
 * fetches and readers wait at most one batch (a few milliseconds). */
static int
run_retag_entry(struct feed *f, struct entry *e, const char *source,
    void *arg)
{
	struct daemon		*d = arg;
	struct source_run	*sr = source != NULL ? run_find(d, source) :
				    NULL;

	e->ntopics = 0;
	tag_entry(d->tagger, f, e);
	/* As when it was fetched: a source limited to some topics keeps
	 * only those (a source no longer configured has no limit). */
	if (sr != NULL && sr->src->ntopics > 0)
		run_limit_topics(sr->src, e);
	return 0;
}

static void
run_retag_cb(int fd, short what, void *arg)
{
	struct daemon	*d = arg;
	struct timeval	 tv = { 0, 0 };
	int64_t		 last = 0;
	char		 err[256];

	(void)fd;
	(void)what;
	/* The tagger is the worker's: retag between its jobs. Waiting for
	 * a whole backlog would stall the loop, so a busy worker puts the
	 * chunk off, up to RUN_RETAG_PUTOFF s, then it is waited for. */
	if (run_parsing(d) > 0) {
		time_t	now = time(NULL);

		if (d->retag_wait == 0)
			d->retag_wait = now;
		if (now - d->retag_wait < RUN_RETAG_PUTOFF) {
			tv.tv_usec = 100000;
			evtimer_add(d->retag, &tv);
			return;
		}
	}
	d->retag_wait = 0;
	run_parse_drain(d);
	/* Feeds tagged before the topics changed may wait for a batch
	 * (run_queue_done): stored first, they are retagged with the rest
	 * instead of keeping the old topics for ever (the change hash
	 * leaves topics out). */
	if (d->ndone > 0)
		run_flush(d);
	if (store_retag(d->store, d->retag_after, RUN_RETAG_BATCH,
	    run_retag_entry, d, &last, err, sizeof(err)) == -1) {
		log_warnx("retag: %s", err);
		return;
	}
	if (last == 0) {
		log_info("retag: archive tagged with the new topics");
		/* Kept with the archive: a restart with the same topics
		 * re-tags nothing, one with other topics re-tags. */
		if (store_meta_set(d->store, RUN_TOPICS_PRINT,
		    (int64_t)config_topics_print(d->cfg), err,
		    sizeof(err)) == -1)
			log_warnx("retag: %s", err);
		return;
	}
	d->retag_after = last;
	evtimer_add(d->retag, &tv);
}

void
run_retag_start(struct daemon *d)
{
	struct timeval	tv = { 0, 0 };

	d->retag_after = 0;
	if (d->retag == NULL && (d->retag = evtimer_new(d->base, run_retag_cb,
	    d)) == NULL)
		fatalx("evtimer_new");
	evtimer_add(d->retag, &tv);
}

/*
 * The full-text index, which storing leaves for later (store_index):
 * filled while no fetch waits to be stored and none is in flight, a
 * chunk per loop turn so readers and fetches are served in between;
 * after RUN_INDEX_PUTOFF seconds of continuous fetching, a chunk anyway.
 * Every RUN_INDEX_CHECK seconds it looks for stories another process
 * (a cron `fetch --once`) stored. A text query indexes first in any
 * case, so this only keeps those queries fast.
 */
#define RUN_INDEX_CHUNK		1000
#define RUN_INDEX_PUTOFF	30
#define RUN_INDEX_CHECK		10

static void
run_index_cb(int fd, short what, void *arg)
{
	struct daemon	*d = arg;
	struct timeval	 tv = { RUN_INDEX_CHECK, 0 };
	time_t		 now = time(NULL);
	bool		 more = false;
	char		 err[256];

	(void)fd;
	(void)what;
	if (d->stopping)
		return;
	if ((d->in_flight > 0 || d->ndone > 0 ||
	    run_parsing(d) > 0) && (d->index_wait == 0 ||
	    now - d->index_wait < RUN_INDEX_PUTOFF)) {
		if (d->index_wait == 0)
			d->index_wait = now;
		tv.tv_sec = 1;
		evtimer_add(d->index, &tv);
		return;
	}
	d->index_wait = 0;
	/* A failure is the store's, said once as the batches say it (a
	 * stored batch says when it heals); tried again at the check. */
	if (d->store_readonly)
		;
	else if (store_index(d->store, RUN_INDEX_CHUNK, &more, err,
	    sizeof(err)) == -1) {
		/* Another writer (a cron fetch) held the lock: not the
		 * store's failure, tried again at the next check. */
		if (store_locked(d->store))
			log_debug("store %s: search index: %s", d->store_path,
			    err);
		else if (d->store_failing)
			log_debug("store %s: search index: %s", d->store_path,
			    err);
		else {
			d->store_failing = true;
			log_warnx("store %s: %s: the search index waits; "
			    "serving what is stored, storing again once it "
			    "can be written", d->store_path, err);
		}
	}
	else if (more)
		tv.tv_sec = 0;
	else if (d->ckpt != NULL) {
		/* Idle: once after the last commits, not every check. */
		if (d->wal_dirty)
			run_ckpt_submit(d);
	}
	else if (store_checkpoint(d->store, err, sizeof(err)) == -1)
		log_debug("store %s: checkpoint: %s", d->store_path, err);
	evtimer_add(d->index, &tv);
}

/* Something was stored: index it soon, or at the next check. */
static void
run_index_soon(struct daemon *d)
{
	struct timeval	tv = { 1, 0 };

	/* Not when already due: a flush every turn must not put it off. */
	if (d->index != NULL && !d->stopping &&
	    !evtimer_pending(d->index, NULL))
		evtimer_add(d->index, &tv);
}

/* Retention: prune hourly what is older than the configured age; the
 * store keeps the keys so a pruned entry never comes back. */
static void
run_prune_cb(int fd, short what, void *arg)
{
	struct daemon	*d = arg;
	size_t		 n = 0;
	char		 err[256];

	(void)fd;
	(void)what;
	if (d->cfg->retention <= 0 || d->stopping)
		return;
	if (store_prune(d->store, time(NULL) - d->cfg->retention, &n, err,
	    sizeof(err)) == -1)
		log_warnx("retention: %s", err);
	else if (n > 0)
		log_info("retention: %zu entries older than %ds pruned", n,
		    d->cfg->retention);
}

void
run_init(struct daemon *d)
{
	struct timeval	tv = { 3600, 0 };

	if ((d->tick = evtimer_new(d->base, run_tick_cb, d)) == NULL ||
	    (d->flush = evtimer_new(d->base, run_flush_cb, d)) == NULL)
		fatalx("evtimer_new");
	d->backlog_tail = &d->backlog;
	d->worker = worker_new(d->base, RUN_PARSE_QUEUE, run_parse_done, d);
	run_ckpt_attach(d);
	if ((d->prune = event_new(d->base, -1, EV_PERSIST, run_prune_cb,
	    d)) == NULL)
		fatalx("event_new");
	/* fetch --once leaves the index to the next text query or serve. */
	if (!d->once) {
		struct timeval	now = { 0, 0 };

		if ((d->index = evtimer_new(d->base, run_index_cb, d)) == NULL)
			fatalx("evtimer_new");
		evtimer_add(d->index, &now);
	}
	evtimer_add(d->prune, &tv);
	/* Once at start too, so a daemon restarted often still prunes. */
	event_active(d->prune, EV_TIMEOUT, 0);
}
