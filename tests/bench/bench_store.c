/*
 * Store benchmark: ingests generated feeds (entries/s), re-fetches them
 * unchanged, then times filtered pages of 50 stories (p50/p99) and
 * reports the database size per entry. Never run by ctest; see
 * bench_store.sh.
 *
 *	bench_store [-b feeds per batch] [-f entries per feed] [-n entries]
 *	    [-k] [-p] [-q queries] [-s seed] dbfile
 *
 * -b 0 (the default) stores each feed in its own transaction; -b N
 * stores N feeds per store_batch_begin/end. -p prepares each feed on
 * another thread (store_prepare), as the daemon's worker does, and
 * stores it with store_put_prepared. All time only the store calls on
 * the storing thread; -p also reports the preparing thread's CPU. -k
 * checkpoints the WAL on a thread and connection of its own once it
 * holds CKPT_PAGES, as the daemon's checkpointer does, instead of
 * SQLite's automatic checkpoint on the storing thread.
 */

#include <sys/stat.h>

#include <inttypes.h>
#include <stdbool.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "entry.h"
#include "store.h"
#include "xmalloc.h"

#define NSOURCES	300
#define NTOPICS		12
#define NVOCAB		20000
#define T0		((time_t)1700000000)
#define SPAN		(365 * 86400)

static uint64_t	 rng = 88172645463325252ULL;
static int	 per_feed = 50;
static size_t	 per_batch;
static char	 last_title[256], last_summary[1024];
static char	 prev_title[256], prev_summary[1024];
static char	*vocab[NVOCAB];

static uint64_t
bench_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static double
bench_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double
bench_cpu(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double
bench_thread_cpu(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
bench_vocab(void)
{
	static const char *syl[] = { "ra", "mi", "gra", "tion", "a", "sy",
	    "lum", "bor", "der", "eu", "ro", "pa", "coun", "cil", "re", "cep",
	    "pro", "ce", "du", "ret", "urn", "so", "li", "da", "ri", "ty" };
	char	 buf[64];

	for (int i = 0; i < NVOCAB; i++) {
		int	n = 2 + bench_rand() % 3;

		buf[0] = '\0';
		for (int j = 0; j < n; j++)
			strcat(buf, syl[bench_rand() % 26]);
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%d",
		    i % 7 == 0 ? i : 0);
		if (i % 7 != 0)
			buf[strlen(buf) - 1] = '\0';
		vocab[i] = xstrdup(buf);
	}
}

/* Words with a Zipf-ish skew: a few common, most rare. */
static const char *
bench_word(void)
{
	uint64_t	r = bench_rand();

	if (r % 4 == 0)
		return vocab[r % 100];
	return vocab[(r >> 8) % NVOCAB];
}

static void
bench_text(char *buf, size_t size, int nwords)
{
	size_t	len = 0;

	buf[0] = '\0';
	for (int i = 0; i < nwords && len + 32 < size; i++)
		len += snprintf(buf + len, size - len, "%s%s", i ? " " : "",
		    bench_word());
}

/* Feed k of the run: per_feed entries of source k % NSOURCES. One entry
 * in ten repeats an earlier one's title and text (other source, other
 * link): the same news carried twice. */
static struct feed *
bench_feed(size_t k, size_t *seq)
{
	struct feed	*f = feed_new();
	char		 buf[1024];

	/* Repeats come from the previous feed, another source. */
	memcpy(prev_title, last_title, sizeof(prev_title));
	memcpy(prev_summary, last_summary, sizeof(prev_summary));

	f->title = feed_strdup(f, "Bench feed");
	f->link = feed_strdup(f, "https://bench.example/");
	for (int i = 0; i < per_feed; i++) {
		struct entry	*e = feed_add_entry(f);
		size_t		 n = (*seq)++;
		time_t		 d = T0 + (time_t)((double)n / 1e6 * SPAN);
		bool		 dup = n > 0 && bench_rand() % 10 == 0;

		snprintf(buf, sizeof(buf), "urn:bench:%zu:%zu", k % NSOURCES,
		    n);
		e->id = feed_strdup(f, buf);
		snprintf(buf, sizeof(buf), "https://src%zu.example/news/%zu/"
		    "item?utm_source=rss", k % NSOURCES, n);
		e->link = feed_strdup(f, buf);
		if (!dup || prev_title[0] == '\0') {
			bench_text(last_title, sizeof(last_title), 8);
			bench_text(last_summary, sizeof(last_summary), 40);
			e->title = feed_strdup(f, last_title);
			e->summary = feed_strdup(f, last_summary);
		} else {
			e->title = feed_strdup(f, prev_title);
			e->summary = feed_strdup(f, prev_summary);
		}
		e->summary_type = TEXT_HTML;
		e->published = d;
		e->lang = feed_strdup(f, (const char *[]){ "en", "fr", "de",
		    "en", "en" }[n % 5]);
		for (int t = 0; t < (int)(bench_rand() % 3); t++) {
			struct entry_topic *tp = feed_add_topic(e);

			snprintf(buf, sizeof(buf), "topic%d",
			    (int)(bench_rand() % NTOPICS));
			tp->id = feed_strdup(f, buf);
			tp->score = 1;
		}
		{
			struct person *p = feed_add_author(f, e);

			p->name = feed_strdup(f, "Press office");
		}
	}
	return f;
}

/* -p: feeds made and prepared on another thread, handed over in order
 * through a ring of PREP_RING. */
#define PREP_RING	64

static struct {
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	struct feed	*f[PREP_RING];
	struct store_prep *p[PREP_RING];
	size_t		 head, tail;	/* made, taken */
	size_t		 nfeeds;
	size_t		 seq;
	double		 cpu;		/* of the preparing thread */
} prep = {
	.mu = PTHREAD_MUTEX_INITIALIZER,
	.cv = PTHREAD_COND_INITIALIZER,
};

static void *
bench_prep_main(void *arg)
{
	struct timespec	ts;

	(void)arg;
	for (size_t k = 0; k < prep.nfeeds; k++) {
		struct feed		*f = bench_feed(k, &prep.seq);
		struct store_prep	*p;

		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
		prep.cpu -= ts.tv_sec + ts.tv_nsec / 1e9;
		p = store_prepare(f);
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
		prep.cpu += ts.tv_sec + ts.tv_nsec / 1e9;
		pthread_mutex_lock(&prep.mu);
		while (prep.head - prep.tail == PREP_RING)
			pthread_cond_wait(&prep.cv, &prep.mu);
		prep.f[prep.head % PREP_RING] = f;
		prep.p[prep.head % PREP_RING] = p;
		prep.head++;
		pthread_cond_broadcast(&prep.cv);
		pthread_mutex_unlock(&prep.mu);
	}
	return NULL;
}

static struct feed *
bench_prep_take(struct store_prep **p)
{
	struct feed	*f;

	pthread_mutex_lock(&prep.mu);
	while (prep.head == prep.tail)
		pthread_cond_wait(&prep.cv, &prep.mu);
	f = prep.f[prep.tail % PREP_RING];
	*p = prep.p[prep.tail % PREP_RING];
	prep.tail++;
	pthread_cond_broadcast(&prep.cv);
	pthread_mutex_unlock(&prep.mu);
	return f;
}

/* -k: the checkpointer, woken by the WAL hook on the storing thread. */
#define CKPT_PAGES	2000	/* as daemon/run.c's RUN_CKPT_PAGES */

static struct {
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	struct store_ckpt *conn;
	bool		 want, stop;
	size_t		 runs;
	double		 cpu;
} ckpt = {
	.mu = PTHREAD_MUTEX_INITIALIZER,
	.cv = PTHREAD_COND_INITIALIZER,
};

static void
bench_wal_cb(void *arg, int pages)
{
	(void)arg;
	if (pages < CKPT_PAGES)
		return;
	pthread_mutex_lock(&ckpt.mu);
	ckpt.want = true;
	pthread_cond_signal(&ckpt.cv);
	pthread_mutex_unlock(&ckpt.mu);
}

static void *
bench_ckpt_main(void *arg)
{
	char	err[256];
	int	pages, left;

	(void)arg;
	pthread_mutex_lock(&ckpt.mu);
	for (;;) {
		while (!ckpt.want && !ckpt.stop)
			pthread_cond_wait(&ckpt.cv, &ckpt.mu);
		if (!ckpt.want)
			break;
		ckpt.want = false;
		pthread_mutex_unlock(&ckpt.mu);
		if (store_ckpt_run(ckpt.conn, &pages, &left, err,
		    sizeof(err)) == -1)
			fprintf(stderr, "checkpointer: %s\n", err);
		pthread_mutex_lock(&ckpt.mu);
		ckpt.runs++;
	}
	pthread_mutex_unlock(&ckpt.mu);
	ckpt.cpu = bench_thread_cpu();
	return NULL;
}

static int
bench_count_cb(const struct store_story *s, void *arg)
{
	size_t	*n = arg;

	(*n)++;
	(void)s;
	return 0;
}

static int
bench_cmp(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Times nq queries of one kind; the cursor starts at a random point. */
static void
bench_query(struct store *st, const char *what, struct store_filter base,
    int nq)
{
	double	*ms = xcalloc(nq, sizeof(*ms)), *cms = xcalloc(nq, sizeof(*ms));
	char	 err[256], src[32], topic[32];
	size_t	 total = 0;

	for (int i = 0; i < nq; i++) {
		struct store_filter	f = base;
		size_t			n = 0;
		double			t, c;

		if (f.source != NULL) {
			snprintf(src, sizeof(src), "src%d",
			    (int)(bench_rand() % NSOURCES));
			f.source = src;
		}
		if (f.topic != NULL) {
			snprintf(topic, sizeof(topic), "topic%d",
			    (int)(bench_rand() % NTOPICS));
			f.topic = topic;
		}
		if (i % 2 == 1) {
			f.has_cursor = true;
			f.cursor_updated = T0 + bench_rand() % SPAN;
			f.cursor_id = INT64_MAX;
		}
		f.limit = 50;
		t = bench_now();
		c = bench_cpu();
		if (store_query_stories(st, &f, bench_count_cb, &n, err,
		    sizeof(err)) == -1) {
			fprintf(stderr, "query %s: %s\n", what, err);
			exit(1);
		}
		ms[i] = (bench_now() - t) * 1000;
		cms[i] = (bench_cpu() - c) * 1000;
		total += n;
	}
	qsort(ms, nq, sizeof(*ms), bench_cmp);
	qsort(cms, nq, sizeof(*cms), bench_cmp);
	printf("query %-19s wall p50 %6.3f p99 %6.3f ms, CPU p50 %6.3f "
	    "p99 %6.3f ms (%d queries, %.1f stories each)\n", what,
	    ms[nq / 2], ms[nq * 99 / 100], cms[nq / 2], cms[nq * 99 / 100],
	    nq, (double)total / nq);
	free(ms);
	free(cms);
}

int
main(int argc, char *argv[])
{
	struct store_put_result	 r;
	struct store		*st;
	struct stat		 sb;
	size_t			 n = 200000, nq = 1000, seq = 0, nfeeds;
	size_t			 nnew = 0, nmerged = 0;
	uint64_t		 seed = rng;
	char			 err[256], path[1024], walpath[1030];
	off_t			 walmax = 0;
	double			 t, cpu;
	int			 ch;
	bool			 prepared = false, ckpter = false;
	pthread_t		 th, ckth;

	while ((ch = getopt(argc, argv, "b:f:kn:pq:s:")) != -1) {
		switch (ch) {
		case 'k':
			ckpter = true;
			break;
		case 'p':
			prepared = true;
			break;
		case 'b':
			per_batch = strtoul(optarg, NULL, 10);
			break;
		case 'f':
			per_feed = atoi(optarg);
			break;
		case 'n':
			n = strtoul(optarg, NULL, 10);
			break;
		case 'q':
			nq = strtoul(optarg, NULL, 10);
			break;
		case 's':
			seed = rng = strtoull(optarg, NULL, 10) | 1;
			break;
		default:
			fprintf(stderr, "usage: bench_store [-b per-batch] "
			    "[-f per-feed] [-n entries] [-k] [-p] [-q queries] "
			    "[-s seed] dbfile\n");
			return 2;
		}
	}
	if (optind + 1 != argc) {
		fprintf(stderr, "usage: bench_store [-b per-batch] [-f per-feed] "
		    "[-n entries] [-k] [-p] [-q queries] [-s seed] dbfile\n");
		return 2;
	}
	bench_vocab();
	if ((st = store_open(argv[optind], err, sizeof(err))) == NULL) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	store_set_now(st, T0 + SPAN + 86400);
	snprintf(walpath, sizeof(walpath), "%s-wal", argv[optind]);
	nfeeds = (n + per_feed - 1) / per_feed;

	if (ckpter) {
		if ((ckpt.conn = store_ckpt_open(argv[optind], err,
		    sizeof(err))) == NULL) {
			fprintf(stderr, "%s\n", err);
			return 1;
		}
		store_wal_notify(st, bench_wal_cb, NULL);
		if (pthread_create(&ckth, NULL, bench_ckpt_main, NULL) != 0) {
			fprintf(stderr, "pthread_create failed\n");
			return 1;
		}
	}

	/* Only the store calls are timed, not making the feeds. */
	t = cpu = 0;
	if (prepared) {
		prep.nfeeds = nfeeds;
		if (pthread_create(&th, NULL, bench_prep_main, NULL) != 0) {
			fprintf(stderr, "pthread_create failed\n");
			return 1;
		}
	}
	for (size_t k = 0; k < nfeeds; k++) {
		struct store_prep *p = NULL;
		struct feed	*f = prepared ? bench_prep_take(&p) :
		    bench_feed(k, &seq);
		char		 src[32];
		double		 t1 = bench_now(), c1 = bench_thread_cpu();

		snprintf(src, sizeof(src), "src%zu", k % NSOURCES);
		if (per_batch > 0 && k % per_batch == 0 &&
		    store_batch_begin(st, err, sizeof(err)) == -1) {
			fprintf(stderr, "batch: %s\n", err);
			return 1;
		}
		if (store_put_prepared(st, src, f, p, &r, err,
		    sizeof(err)) == -1) {
			fprintf(stderr, "put: %s\n", err);
			return 1;
		}
		if (per_batch > 0 && ((k + 1) % per_batch == 0 ||
		    k + 1 == nfeeds) &&
		    store_batch_end(st, err, sizeof(err)) == -1) {
			fprintf(stderr, "batch: %s\n", err);
			return 1;
		}
		t += bench_now() - t1;
		cpu += bench_thread_cpu() - c1;
		/* The WAL's largest size, outside the time. */
		if (stat(walpath, &sb) == 0 && sb.st_size > walmax)
			walmax = sb.st_size;
		nnew += r.nnew;
		nmerged += r.nmerged;
		feed_free(f);
	}
	if (prepared) {
		pthread_join(th, NULL);
		seq = prep.seq;
	}
	if (ckpter) {
		pthread_mutex_lock(&ckpt.mu);
		ckpt.stop = true;
		pthread_cond_signal(&ckpt.cv);
		pthread_mutex_unlock(&ckpt.mu);
		pthread_join(ckth, NULL);
		store_ckpt_close(ckpt.conn);
		store_wal_notify(st, NULL, NULL);
	}
	printf("ingest %zu entries in %zu feeds, %zu per batch%s%s: %.2f s, "
	    "%.0f entries/s wall, %.0f entries/s CPU (%zu new, %zu merged "
	    "into stories)\n", seq, nfeeds, per_batch, prepared ?
	    ", prepared on another thread" : "", ckpter ?
	    ", checkpointed on another thread" : "", t, seq / t, seq / cpu,
	    nnew, nmerged);
	if (ckpter)
		printf("checkpointer (other thread): %zu checkpoints, "
		    "%.2f s CPU\n", ckpt.runs, ckpt.cpu);
	printf("WAL at most %.1f MB during the ingest\n", walmax / 1e6);
	if (prepared)
		printf("prepare (other thread): %.2f s CPU, %.0f entries/s\n",
		    prep.cpu, seq / prep.cpu);

	/* The full-text index, which ingest leaves for later: the daemon
	 * does this when idle, a text query before it runs. */
	{
		double	ti = bench_now(), ci = bench_cpu();

		if (store_index(st, SIZE_MAX, NULL, err, sizeof(err)) == -1) {
			fprintf(stderr, "index: %s\n", err);
			return 1;
		}
		ti = bench_now() - ti;
		ci = bench_cpu() - ci;
		printf("index %zu stories: %.2f s, %.0f stories/s wall; "
		    "ingest and index together: %.0f entries/s wall, %.0f "
		    "entries/s CPU\n", nnew - nmerged, ti,
		    (nnew - nmerged) / ti, seq / (t + ti), seq / (cpu + ci));
	}

	/* The same feeds again: nothing changed, nothing written. */
	{
		size_t	nre = nfeeds < 400 ? nfeeds : 400, seq2 = 0;
		size_t	unchanged = 0;

		rng = seed;
		last_title[0] = last_summary[0] = '\0';
		bench_vocab();
		t = 0;
		for (size_t k = 0; k < nre; k++) {
			struct feed	*f = bench_feed(k, &seq2);
			char		 src[32];
			double		 t1 = bench_now();

			snprintf(src, sizeof(src), "src%zu", k % NSOURCES);
			if (store_put_feed(st, src, f, &r, err,
			    sizeof(err)) == -1) {
				fprintf(stderr, "put: %s\n", err);
				return 1;
			}
			t += bench_now() - t1;
			unchanged += r.nunchanged;
			feed_free(f);
		}
		printf("re-fetch %zu unchanged entries: %.0f entries/s\n",
		    unchanged, seq2 / t);
	}

	bench_query(st, "newest", (struct store_filter){ 0 }, nq);
	bench_query(st, "topic", (struct store_filter){ .topic = "x" }, nq);
	bench_query(st, "source", (struct store_filter){ .source = "x" }, nq);
	bench_query(st, "lang", (struct store_filter){ .lang = "fr" }, nq);
	bench_query(st, "topic+lang", (struct store_filter){ .topic = "x",
	    .lang = "de" }, nq);
	bench_query(st, "topic+source", (struct store_filter){ .topic = "x",
	    .source = "x" }, nq);
	/* The newest tenth of the archive. */
	bench_query(st, "since", (struct store_filter){ .since = T0 +
	    (time_t)((double)seq * 0.9 / 1e6 * SPAN) }, nq);
	bench_query(st, "text (rare word)", (struct store_filter){
	    .q = vocab[5000] }, nq / 10 + 1);
	bench_query(st, "text (common word)", (struct store_filter){
	    .q = vocab[4] }, nq / 10 + 1);
	store_close(st);

	snprintf(path, sizeof(path), "%s", argv[optind]);
	if (stat(path, &sb) == 0)
		printf("database %.1f MB, %.0f bytes per entry\n",
		    sb.st_size / 1e6, (double)sb.st_size / seq);
	return 0;
}
