/*
 * The polling policy (see sched.h for the rules). Pure functions of their
 * arguments: the one promise that matters is that, apart from
 * SCHED_NEVER, sched_next() answers within [now + min, now + max] whatever
 * a publisher or a failing server says, so no source is hammered and none
 * is forgotten.
 */

#include "sched.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "entry.h"
#include "xmalloc.h"

#define SCHED_FULL_HOURS	0xffffffu	/* bits 0..23 */
#define SCHED_FULL_DAYS		0x7fu		/* bits 0..6 */
#define SCHED_SKIP_OFFSET	600	/* spread into the allowed hour */

static long
sched_clamp(long v, long lo, long hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

void
sched_input_init(struct sched_input *in, time_t now)
{
	memset(in, 0, sizeof(*in));
	in->now = now;
	in->interval = SCHED_DEFAULT_INTERVAL;
	in->min_interval = SCHED_DEFAULT_MIN;
	in->max_interval = SCHED_DEFAULT_MAX;
	in->max_age = -1;
	in->retry_after = -1;
}

void
sched_input_feed(struct sched_input *in, const struct feed *feed)
{
	in->ttl = feed->ttl;
	in->update_period = feed->update_period;
	in->skip_hours = feed->skip_hours;
	in->skip_days = feed->skip_days;
}

/* The longest "not before" the publisher gave, Retry-After aside. */
static long
sched_hint(const struct sched_input *in)
{
	long	hint = 0;

	if (in->ttl > hint)
		hint = in->ttl;
	if (in->update_period > hint)
		hint = in->update_period;
	if (in->max_age > hint)
		hint = in->max_age;
	if (in->expires > in->now && in->expires - in->now > hint)
		hint = in->expires - in->now > LONG_MAX ? LONG_MAX :
		    (long)(in->expires - in->now);
	return hint;
}

/* The n-th failure in a row waits delay * 2^(n-1), at most max. */
static long
sched_backoff(long delay, int errors, long max)
{
	int	shift;

	if (errors <= 1)
		return delay;
	shift = errors - 1 > 30 ? 30 : errors - 1;
	if (delay > (max >> shift))
		return max;
	return sched_clamp(delay << shift, 0, max);
}

static long
sched_jitter(long delay, long min, long max, double j)
{
	if (!(j >= 0.0 && j < 1.0))
		j = 0.0;
	if (delay >= max)
		return sched_clamp(max - (long)(max * 0.1 * j), min, max);
	return sched_clamp(delay + (long)(delay * 0.1 * j), min, max);
}

static bool
sched_skipped(time_t t, uint32_t hours, uint8_t days)
{
	struct tm	tm;

	if (gmtime_r(&t, &tm) == NULL)
		return false;
	return (hours & (1u << tm.tm_hour)) != 0 ||
	    (days & (1u << tm.tm_wday)) != 0;
}

/* Moves t out of skipped hours and days, but not past limit. A feed
 * that skips every hour or every day means nothing and is ignored. */
static time_t
sched_skip(const struct sched_input *in, time_t t, time_t limit)
{
	uint32_t	hours = in->skip_hours & SCHED_FULL_HOURS;
	uint8_t		days = in->skip_days & SCHED_FULL_DAYS;
	double		j = in->jitter >= 0.0 && in->jitter < 1.0 ?
			    in->jitter : 0.0;
	bool		moved = false;

	if (hours == SCHED_FULL_HOURS)
		hours = 0;
	if (days == SCHED_FULL_DAYS)
		days = 0;
	if (hours == 0 && days == 0)
		return t;
	for (int i = 0; i < 24 * 8 && sched_skipped(t, hours, days); i++) {
		t = t - t % 3600 + 3600;
		moved = true;
		if (t >= limit)
			return limit;
	}
	if (moved)
		t += (time_t)(j * SCHED_SKIP_OFFSET);
	return t < limit ? t : limit;
}

time_t
sched_next(const struct sched_input *in)
{
	long	min, max, base, adapt, hint, delay, retry;

	if (in->gone)
		return SCHED_NEVER;
	min = in->min_interval > 0 ? in->min_interval : SCHED_DEFAULT_MIN;
	max = in->max_interval > 0 ? in->max_interval : SCHED_DEFAULT_MAX;
	if (max < min)
		max = min;
	base = in->interval > 0 ? in->interval : SCHED_DEFAULT_INTERVAL;
	base = sched_clamp(base, min, max);

	if (in->publish_gap > 0) {
		adapt = sched_clamp(in->publish_gap / 2, base / SCHED_ADAPT,
		    base * SCHED_ADAPT);
		base = sched_clamp(adapt, min, max);
	}
	if ((hint = sched_hint(in)) > base)
		base = hint < max ? hint : max;

	/* While failing, max-backoff is the ceiling instead: a daily
	 * source that fails may be tried again sooner than daily, or a
	 * broken one left alone for longer. */
	if (in->errors > 0 && in->max_backoff > 0) {
		max = in->max_backoff > min ? in->max_backoff : min;
		base = base < max ? base : max;
	}
	delay = sched_backoff(base, in->errors, max);
	/* After the backoff: a server that says when to come back is
	 * taken at its word (within max-backoff), not doubled. */
	if (in->retry_after > delay) {
		retry = in->retry_after;
		delay = retry < max ? retry : max;
	}
	delay = sched_jitter(delay, min, max, in->jitter);
	return sched_skip(in, in->now + delay, in->now + max);
}

static int
sched_cmp_desc(const void *a, const void *b)
{
	time_t	x = *(const time_t *)a, y = *(const time_t *)b;

	return x < y ? 1 : x > y ? -1 : 0;
}

static int
sched_cmp_asc(const void *a, const void *b)
{
	return sched_cmp_desc(b, a);
}

int
sched_publish_gap(const time_t *dates, size_t n, time_t now)
{
	time_t	*d, gaps[SCHED_HISTORY], median, quiet;
	size_t	 nd = 0, ndistinct = 0, ngaps = 0;

	d = xcalloc(n + 1, sizeof(*d));
	for (size_t i = 0; i < n; i++)
		if (dates[i] != DATE_NONE && dates[i] > 0 && dates[i] <= now)
			d[nd++] = dates[i];
	qsort(d, nd, sizeof(*d), sched_cmp_desc);
	/* Distinct dates only: a feed that stamps every entry with the
	 * same time says nothing about how often it publishes. */
	for (size_t i = 0; i < nd && ndistinct < SCHED_HISTORY + 1; i++) {
		if (ndistinct > 0 && d[i] == d[ndistinct - 1])
			continue;
		d[ndistinct++] = d[i];
	}
	for (size_t i = 1; i < ndistinct; i++)
		gaps[ngaps++] = d[i - 1] - d[i];
	if (ngaps < 3) {
		free(d);
		return 0;
	}
	qsort(gaps, ngaps, sizeof(*gaps), sched_cmp_asc);
	median = ngaps % 2 ? gaps[ngaps / 2] :
	    gaps[ngaps / 2 - 1] / 2 + gaps[ngaps / 2] / 2;
	quiet = now - d[0];
	free(d);
	if (quiet > median)
		median = quiet;
	return median > INT_MAX ? INT_MAX : (int)median;
}

/* FNV-1a, 64 bits: stable across runs and platforms, unlike a seeded
 * hash, which is the point. */
static uint64_t
sched_hash(const char *s)
{
	uint64_t	h = 0xcbf29ce484222325ULL;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return h;
}

time_t
sched_spread_start(const char *id, time_t next, time_t now, int window)
{
	if (next > now)
		return next;
	if (window <= 0)
		return now;
	return now + (time_t)(sched_hash(id) % (uint64_t)window);
}
