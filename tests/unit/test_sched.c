/*
 * sched.c: one table row per rule of the polling policy (interval and
 * its bounds, adaptivity, publisher hints, backoff, Retry-After, jitter,
 * skipHours/skipDays, 410), the [min, max] promise over many generated
 * inputs, the publishing-gap estimate and the startup spread.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "entry.h"
#include "sched.h"

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))
#define T0		((time_t)1756713600)	/* Mon 2025-09-01 08:00 UTC */
#define H		3600
#define D		86400
#define NEVER		(-1L)

#define MON		(1u << 1)
#define HOUR(h)		(1u << (h))

/* Zero fields keep sched_input_init's defaults (interval 1800, min 300,
 * max 86400, no hints). */
struct next_case {
	const char	*name;
	int		 interval, min, max, errors, max_backoff;
	bool		 gone;
	int		 ttl, update_period;
	uint32_t	 skip_hours;
	uint8_t		 skip_days;
	long		 max_age, expires_in, retry_after;
	int		 publish_gap;
	double		 jitter;
	long		 want;		/* seconds after T0, or NEVER */
};

static const struct next_case next_cases[] = {
	/* the configured interval and its bounds */
	{ "configured interval",	.want = 1800 },
	{ "interval 1h",		.interval = H, .want = H },
	{ "interval under min",		.interval = 60, .want = 300 },
	{ "interval over max",		.interval = 2 * D, .want = D },
	{ "max below min: min wins",	.interval = 100, .min = 600,
	    .max = 300, .want = 600 },
	/* 410 */
	{ "gone",			.gone = true, .want = NEVER },
	{ "gone beats everything",	.gone = true, .errors = 3,
	    .retry_after = 60, .want = NEVER },
	/* publisher hints lengthen, within max, never shorten */
	{ "ttl longer",			.ttl = H, .want = H },
	{ "ttl shorter: ignored",	.ttl = 60, .want = 1800 },
	{ "ttl over max",		.ttl = 2 * D, .want = D },
	{ "sy:updatePeriod",		.update_period = 2 * H, .want = 2 * H },
	{ "max-age longer",		.max_age = 5400, .want = 5400 },
	{ "max-age shorter: ignored",	.max_age = 60, .want = 1800 },
	{ "max-age over max",		.max_age = 30 * D, .want = D },
	{ "Expires ahead",		.expires_in = 4000, .want = 4000 },
	{ "Expires passed: ignored",	.expires_in = -100, .want = 1800 },
	{ "largest hint wins",		.ttl = H, .max_age = 2 * H,
	    .update_period = 5000, .want = 2 * H },
	/* errors back off */
	{ "1st error: interval",	.errors = 1, .want = 1800 },
	{ "2nd error: doubled",		.errors = 2, .want = H },
	{ "3rd error",			.errors = 3, .want = 2 * H },
	{ "6th error",			.errors = 6, .want = 16 * H },
	{ "7th error: capped",		.errors = 7, .want = D },
	{ "1000th error: no overflow",	.errors = 1000, .want = D },
	{ "backoff from a hint",	.errors = 2, .ttl = 2 * H,
	    .want = 4 * H },
	{ "backoff over a small max",	.errors = 4, .max = 4 * H,
	    .want = 4 * H },
	/* max-backoff: the ceiling while failing, not otherwise */
	{ "max-backoff caps the backoff", .errors = 7, .max_backoff = 3 * H,
	    .want = 3 * H },
	{ "max-backoff past max-interval", .errors = 8, .max_backoff = 2 * D,
	    .want = 2 * D },
	{ "max-backoff under a daily interval", .errors = 1, .interval = D,
	    .max_backoff = H, .want = H },
	{ "max-backoff under min: min",	.errors = 3, .max_backoff = 60,
	    .want = 300 },
	{ "max-backoff ignored when fine", .interval = D, .max_backoff = H,
	    .want = D },
	{ "max-backoff bounds Retry-After", .errors = 1, .max_backoff = 2 * H,
	    .retry_after = 5 * H, .want = 2 * H },
	/* Retry-After: a floor after the backoff, within [min, max] */
	{ "Retry-After longer",		.errors = 1, .retry_after = 2 * H,
	    .want = 2 * H },
	{ "Retry-After not doubled",	.errors = 2, .retry_after = 3 * H,
	    .want = 3 * H },
	{ "Retry-After shorter",	.errors = 2, .retry_after = 120,
	    .want = H },
	{ "Retry-After over max",	.errors = 1,
	    .retry_after = 1000000000L, .want = D },
	{ "Retry-After under min",	.errors = 1, .interval = 300,
	    .retry_after = 10, .want = 300 },
	/* adaptive: half the publishing gap, interval/4 .. interval*4 */
	{ "weekly publisher",		.publish_gap = 7 * D,
	    .want = 4 * 1800 },
	{ "publisher every 10 min",	.publish_gap = 600, .want = 450 },
	{ "publisher every 2h",		.publish_gap = 2 * H, .want = H },
	{ "adaptive above min",		.interval = 600, .publish_gap = 60,
	    .want = 300 },
	{ "adaptive under max",		.interval = D, .publish_gap = 30 * D,
	    .want = D },
	{ "adaptive, then a hint",	.publish_gap = 600, .ttl = H,
	    .want = H },
	{ "adaptive, then backoff",	.publish_gap = 2 * H, .errors = 2,
	    .want = 2 * H },
	/* jitter: up to +10%, or down from max */
	{ "jitter 0.5",			.jitter = 0.5, .want = 1890 },
	{ "jitter 0.999",		.jitter = 0.999, .want = 1979 },
	{ "jitter at max shortens",	.interval = D, .jitter = 0.5,
	    .want = D - 4320 },
	{ "jitter near max: clamped",	.interval = D - 100, .jitter = 0.5,
	    .want = D },
	{ "jitter out of range",	.jitter = 1.5, .want = 1800 },
	{ "jitter negative",		.jitter = -0.5, .want = 1800 },
	/* skipHours / skipDays, UTC; T0 is Monday 08:00 */
	{ "skip the hour due",		.skip_hours = HOUR(8), .want = H },
	{ "skip three hours",		.skip_hours = HOUR(8) | HOUR(9) |
	    HOUR(10), .want = 3 * H },
	{ "skip hour, offset by jitter", .skip_hours = HOUR(8),
	    .jitter = 0.5, .want = H + 300 },
	{ "skip another hour",		.skip_hours = HOUR(12), .want = 1800 },
	{ "skip Monday",		.skip_days = MON, .want = 16 * H },
	{ "skip Monday, max 2h",	.skip_days = MON, .max = 2 * H,
	    .want = 2 * H },
	{ "skip every hour: ignored",	.skip_hours = 0xffffff,
	    .want = 1800 },
	{ "skip every day: ignored",	.skip_days = 0x7f, .want = 1800 },
	{ "skip Monday and 0-5h",	.skip_days = MON,
	    .skip_hours = HOUR(0) | HOUR(1) | HOUR(2) | HOUR(3) | HOUR(4) |
	    HOUR(5), .want = 22 * H },
	{ "skip after backoff",		.errors = 2, .skip_hours = HOUR(9),
	    .want = 2 * H },
};

static void
test_sched_next(void **state)
{
	struct sched_input	 in;
	const struct next_case	*c;
	time_t			 got, want;

	(void)state;
	for (size_t i = 0; i < NITEMS(next_cases); i++) {
		c = &next_cases[i];
		sched_input_init(&in, T0);
		if (c->interval)
			in.interval = c->interval;
		if (c->min)
			in.min_interval = c->min;
		if (c->max)
			in.max_interval = c->max;
		in.errors = c->errors;
		in.max_backoff = c->max_backoff;
		in.gone = c->gone;
		in.ttl = c->ttl;
		in.update_period = c->update_period;
		in.skip_hours = c->skip_hours;
		in.skip_days = c->skip_days;
		if (c->max_age)
			in.max_age = c->max_age;
		if (c->expires_in)
			in.expires = T0 + c->expires_in;
		if (c->retry_after)
			in.retry_after = c->retry_after;
		in.publish_gap = c->publish_gap;
		in.jitter = c->jitter;
		got = sched_next(&in);
		want = c->want == NEVER ? SCHED_NEVER : T0 + c->want;
		if (got != want)
			fail_msg("%s: got now%+lld, want now%+lld", c->name,
			    got == SCHED_NEVER ? -1LL : (long long)(got - T0),
			    (long long)c->want);
	}
	printf("sched_next: %zu rules ok\n", NITEMS(next_cases));
}

/* A zeroed input (no init) still gets the defaults. */
static void
test_sched_zero(void **state)
{
	struct sched_input	in;

	(void)state;
	memset(&in, 0, sizeof(in));
	in.now = T0;
	assert_int_equal(sched_next(&in), T0 + SCHED_DEFAULT_INTERVAL);
	printf("sched_next: zeroed input uses the defaults\n");
}

/* Whatever the inputs, the answer lies in [now + min, now + max]. */
static void
test_sched_bounds(void **state)
{
	struct sched_input	in;
	uint64_t		x = 88172645463325252ULL;
	time_t			t;
	int			min, max;
	size_t			n = 20000;

	(void)state;
	for (size_t i = 0; i < n; i++) {
#define RND()	(x ^= x << 13, x ^= x >> 7, x ^= x << 17, x)
		sched_input_init(&in, T0 + (time_t)(RND() % (400 * D)));
		min = 60 + (int)(RND() % 3600);
		max = min + (int)(RND() % (7 * D));
		in.min_interval = min;
		in.max_interval = max;
		in.interval = (int)(RND() % (2 * D));
		in.errors = (int)(RND() % 40);
		in.ttl = (int)(RND() % (3 * D));
		in.update_period = RND() % 2 ? 0 : (int)(RND() % (7 * D));
		in.skip_hours = (uint32_t)RND();
		in.skip_days = (uint8_t)RND();
		in.max_age = (long)(RND() % (10 * D)) - 1;
		in.expires = RND() % 2 ? 0 : in.now + (time_t)(RND() % D) -
		    D / 2;
		in.retry_after = (long)(RND() % 2000000) - 1;
		in.publish_gap = (int)(RND() % (30 * D));
		in.jitter = (double)(RND() % 1000) / 1000.0;
#undef RND
		t = sched_next(&in);
		if (t < in.now + min || t > in.now + max)
			fail_msg("case %zu: now%+lld outside [%d, %d]", i,
			    (long long)(t - in.now), min, max);
	}
	printf("sched_next: %zu generated inputs within [min, max]\n", n);
}

struct gap_case {
	const char	*name;
	time_t		 dates[48];	/* relative to T0; 0 ends */
	int		 want;
};

#define ND	INT64_MIN	/* DATE_NONE, relative form */

static const struct gap_case gap_cases[] = {
	{ "three dates: unknown",	{ -60, -H, -2 * H }, 0 },
	{ "hourly",			{ -60, -60 - H, -60 - 2 * H,
	    -60 - 3 * H, -60 - 4 * H }, H },
	{ "hourly, shuffled",		{ -60 - 3 * H, -60, -60 - 4 * H,
	    -60 - H, -60 - 2 * H }, H },
	{ "duplicates count once",	{ -60, -60, -60 - H, -60 - H,
	    -60 - 2 * H, -60 - 3 * H, -60 - 3 * H }, H },
	{ "all the same date",		{ -60, -60, -60, -60, -60, -60 }, 0 },
	{ "even count: mean of the middle two", { -10, -110, -310, -610,
	    -1010 }, 250 },
	{ "quiet for two days",		{ -2 * D, -2 * D - H, -2 * D - 2 * H,
	    -2 * D - 3 * H, -2 * D - 4 * H }, 2 * D },
	{ "future dates ignored",	{ 5 * D, 6 * D, -60, -60 - H,
	    -60 - 2 * H, -60 - 3 * H }, H },
	{ "missing dates ignored",	{ ND, -60, ND, -60 - H, -60 - 2 * H,
	    -60 - 3 * H }, H },
	{ "one burst, then weekly",	{ -60, -60 - 7 * D, -60 - 14 * D,
	    -60 - 14 * D - 60, -60 - 14 * D - 120 }, 3 * D + 12 * H + 30 },
};

static void
test_sched_publish_gap(void **state)
{
	time_t	dates[64];
	size_t	n;
	int	got;

	(void)state;
	for (size_t i = 0; i < NITEMS(gap_cases); i++) {
		for (n = 0; gap_cases[i].dates[n] != 0; n++)
			dates[n] = gap_cases[i].dates[n] == ND ? DATE_NONE :
			    T0 + gap_cases[i].dates[n];
		got = sched_publish_gap(dates, n, T0);
		if (got != gap_cases[i].want)
			fail_msg("%s: got %d, want %d", gap_cases[i].name, got,
			    gap_cases[i].want);
	}
	/* Only the SCHED_HISTORY newest count: 21 hourly, then 40 weekly. */
	for (n = 0; n < 21; n++)
		dates[n] = T0 - 60 - (time_t)n * H;
	for (; n < 61; n++)
		dates[n] = dates[20] - (time_t)(n - 20) * 7 * D;
	assert_int_equal(sched_publish_gap(dates, n, T0), H);
	assert_int_equal(sched_publish_gap(NULL, 0, T0), 0);
	printf("sched_publish_gap: %zu cases ok\n", NITEMS(gap_cases) + 2);
}

static void
test_sched_spread(void **state)
{
	char	id[32];
	size_t	buckets[10] = { 0 }, n = 1000;
	time_t	t;

	(void)state;
	/* A future time passes through; a past one, or none, is spread. */
	assert_int_equal(sched_spread_start("ecre", T0 + 5, T0, 600), T0 + 5);
	t = sched_spread_start("ecre", T0 - 5, T0, 600);
	assert_true(t >= T0 && t < T0 + 600);
	assert_int_equal(sched_spread_start("ecre", 0, T0, 600), t);
	assert_int_equal(sched_spread_start("ecre", T0 - D, T0 + 60, 600),
	    t + 60);
	assert_int_equal(sched_spread_start("ecre", T0 - 5, T0, 0), T0);
	assert_int_not_equal(sched_spread_start("unhcr", T0 - 5, T0, 600),
	    t);
	/* 1000 sources over 10 minutes: no minute empty or crowded. */
	for (size_t i = 0; i < n; i++) {
		snprintf(id, sizeof(id), "source-%zu", i);
		t = sched_spread_start(id, 0, T0, 600);
		assert_true(t >= T0 && t < T0 + 600);
		buckets[(t - T0) / 60]++;
	}
	for (size_t i = 0; i < NITEMS(buckets); i++)
		if (buckets[i] < n / 20 || buckets[i] > n / 5)
			fail_msg("minute %zu holds %zu of %zu sources", i,
			    buckets[i], n);
	printf("sched_spread_start: stable per id, %zu ids over 10 minutes\n",
	    n);
}

static void
test_sched_feed(void **state)
{
	struct sched_input	 in;
	struct feed		*feed;

	(void)state;
	feed = feed_new();
	feed->ttl = 2 * H;
	feed->update_period = D;
	feed->skip_hours = HOUR(3);
	feed->skip_days = MON;
	sched_input_init(&in, T0);
	sched_input_feed(&in, feed);
	assert_int_equal(in.ttl, 2 * H);
	assert_int_equal(in.update_period, D);
	assert_int_equal(in.skip_hours, HOUR(3));
	assert_int_equal(in.skip_days, MON);
	assert_int_equal(sched_next(&in), T0 + D);
	feed_free(feed);
	printf("sched_input_feed: hints copied from struct feed\n");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sched_next),
		cmocka_unit_test(test_sched_zero),
		cmocka_unit_test(test_sched_bounds),
		cmocka_unit_test(test_sched_publish_gap),
		cmocka_unit_test(test_sched_spread),
		cmocka_unit_test(test_sched_feed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
