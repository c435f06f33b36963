#ifndef SCHED_H
#define SCHED_H

/*
 * When to fetch a source next: the polling policy, and nothing else. No
 * clock, no randomness, no I/O: the caller passes `now` and a uniform
 * random value, so every rule is a unit test. The caller (serve.c) keeps
 * each source's state (next time, error streak, entry dates) and applies
 * per-host limits; this only turns that state into a time.
 *
 * The rules, in order:
 *  - 410 Gone: never again (SCHED_NEVER).
 *  - The configured interval, clamped to [min, max], is the centre.
 *  - Adaptive: when the entry dates show how often the source publishes
 *    (sched_publish_gap), poll at half that gap, within a factor of
 *    SCHED_ADAPT of the configured interval and within [min, max].
 *  - Publisher hints (RSS ttl, sy:updatePeriod, Cache-Control max-age,
 *    Expires, Retry-After) only ever lengthen the delay, and never past
 *    max: a hint cannot make us poll more often nor stop us for good.
 *  - Errors back off exponentially: the n-th failure in a row waits
 *    delay * 2^(n-1), capped at max.
 *  - Jitter: up to +10% of the delay, or, when that would pass max, up to
 *    -10% from max, so sources at the cap do not stay in step.
 *  - skipHours/skipDays (UTC) push the time to the first allowed hour,
 *    but never past now + max.
 * So apart from SCHED_NEVER the result always lies in [now + min, now +
 * max].
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define SCHED_NEVER		((time_t)INT64_MAX)
#define SCHED_ADAPT		4	/* adapt within interval / 4 .. * 4 */
#define SCHED_HISTORY		20	/* newest entry dates looked at */
#define SCHED_DEFAULT_INTERVAL	1800
#define SCHED_DEFAULT_MIN	300
#define SCHED_DEFAULT_MAX	86400

struct feed;

/* Everything the policy looks at. Durations in seconds; a zero duration
 * or time means "not known", as does -1 for max_age and retry_after. */
struct sched_input {
	time_t		 now;		/* when the fetch ended */
	int		 interval;	/* the source's, else the default */
	int		 min_interval;
	int		 max_interval;
	int		 errors;	/* failures in a row, the last fetch
					   included; 0 after a success */
	int		 max_backoff;	/* longest wait while failing; 0:
					   max_interval */
	bool		 gone;		/* the last fetch was a 410 */

	/* Publisher hints, from the last feed parsed and the last reply. */
	int		 ttl;
	int		 update_period;
	uint32_t	 skip_hours;	/* bit h: skip hour h (UTC) */
	uint8_t		 skip_days;	/* bit d: skip day d, 0 = Sunday */
	long		 max_age;	/* -1: none */
	time_t		 expires;	/* 0: none */
	long		 retry_after;	/* -1: none */

	int		 publish_gap;	/* sched_publish_gap(), 0: unknown */
	double		 jitter;	/* uniform in [0, 1) */
};

/* A sched_input with no hints and the defaults above. */
void	 sched_input_init(struct sched_input *, time_t now);
/* Copies ttl, update_period, skip_hours and skip_days from a feed. */
void	 sched_input_feed(struct sched_input *, const struct feed *);

/* The time of the next fetch, or SCHED_NEVER. */
time_t	 sched_next(const struct sched_input *);

/*
 * How often a source publishes, from its entries' dates (any order;
 * DATE_NONE, zero and future dates ignored): the median gap between the
 * SCHED_HISTORY newest distinct dates, or the time since the newest if
 * the source has been quiet for longer than that. 0 when fewer than four
 * distinct dates are known.
 */
int	 sched_publish_gap(const time_t *dates, size_t n, time_t now);

/*
 * At startup: a source whose stored next time has passed (or that was
 * never fetched) is due at a time in [now, now + window) fixed by a hash
 * of its id, so a restart does not fetch every source in the same second
 * and a second restart spreads them the same way. Other times pass
 * through.
 */
time_t	 sched_spread_start(const char *id, time_t next, time_t now,
	    int window);

#endif /* SCHED_H */
