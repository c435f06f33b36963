/*
 * The daemon's life: open the store, build the tagger and fetcher, run
 * one libevent loop until told to stop. SIGHUP loads the configuration
 * again and swaps it in only when it is valid; SIGTERM and SIGINT stop
 * new transfers, give those in flight a deadline, and exit 0. systemd
 * hears READY=1 once the loop runs, STATUS= as sources change, and
 * WATCHDOG=1 when the unit asks for it. `fetch --once` is the same
 * machinery for one cycle.
 */

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <event2/event.h>
#include <systemd/sd-daemon.h>

#include "cmd.h"
#include "config.h"
#include "daemon.h"
#include "fetch.h"
#include "http.h"
#include "log.h"
#include "store.h"
#include "tag.h"
#include "work.h"
#include "xmalloc.h"

#define SERVE_DRAIN_SECONDS	20	/* in-flight transfers get this long */

static void
serve_log_errors(const char *errors)
{
	const char	*p = errors, *nl;

	/* One journal line per problem, as check-config prints them. */
	while (p != NULL && *p != '\0') {
		nl = strchr(p, '\n');
		log_warnx("%.*s", (int)(nl != NULL ? nl - p : (long)strlen(p)),
		    p);
		p = nl != NULL ? nl + 1 : NULL;
	}
}

static void
serve_fetch_limits(const struct config *cfg, struct fetch_limits *fl)
{
	memset(fl, 0, sizeof(*fl));
	fl->connect_timeout = cfg->connect_timeout;
	fl->timeout = cfg->timeout;
	fl->low_speed_time = cfg->low_speed_time;
	fl->low_speed_limit = (int)cfg->low_speed_limit;
	fl->max_body = cfg->max_body_size;
	fl->max_redirects = cfg->max_redirects;
	fl->max_host_connections = cfg->per_host_connections;
	fl->user_agent = cfg->user_agent;
	fl->allow_private = cfg->allow_private_addresses;
}

static void
serve_notify_status(struct daemon *d)
{
	sd_notifyf(0, "STATUS=%zu sources, %zu failing, %zu fetching",
	    d->nsources, run_failing(d), d->in_flight);
}

/* Builds what a config needs (tagger); on success swaps it in. */
static int
serve_apply_config(struct daemon *d, struct config *cfg)
{
	struct tagger	*tg;
	char		 err[512];
	bool		 topics_changed;

	if ((tg = tag_new(cfg->topics, cfg->ntopics, err, sizeof(err))) ==
	    NULL) {
		log_warnx("%s", err);
		return -1;
	}
	/* A reload that changes the topics re-tags the archive (at start,
	 * serve_topics_check compares with the print kept in the store). */
	topics_changed = d->cfg != NULL && !config_same_topics(d->cfg, cfg);
	/* The worker's jobs use the tagger and the sources. */
	run_parse_drain(d);
	tag_free(d->tagger);
	d->tagger = tg;
	/* Sources point into the configuration: rebuild them before the
	 * old one goes. */
	{
		struct config	*old = d->cfg;

		d->cfg = cfg;
		run_sources_load(d);
		if (d->http != NULL)
			http_config_changed(d->http);
		config_free(old);
	}
	if (topics_changed && !d->once)
		run_retag_start(d);
	return 0;
}

static void
serve_reload(struct daemon *d)
{
	struct config	*cfg;
	char		*errors = NULL;

	log_info("reloading %s", d->config_path);
	if ((cfg = config_load(d->config_path, &errors)) == NULL) {
		serve_log_errors(errors);
		log_warnx("configuration rejected, still running the old one");
		free(errors);
		d->stats.reloads_rejected++;
		return;
	}
	if (strcmp(cfg->database, d->cfg->database) != 0 ||
	    strcmp(cfg->listen, d->cfg->listen) != 0)
		log_warnx("database and listen take effect on restart only");
	if (serve_apply_config(d, cfg) == -1) {
		config_free(cfg);
		log_warnx("configuration rejected, still running the old one");
		d->stats.reloads_rejected++;
		return;
	}
	d->stats.reloads++;
	log_info("configuration reloaded: %zu sources, %zu topics",
	    d->nsources, d->cfg->ntopics);
	serve_notify_status(d);
	run_start_due(d);
	run_schedule(d);
}

static void
serve_drain_cb(int fd, short what, void *arg)
{
	struct daemon	*d = arg;

	(void)fd;
	(void)what;
	log_warnx("shutdown: %zu transfers still running after %ds, "
	    "cancelled", d->in_flight, SERVE_DRAIN_SECONDS);
	fetcher_cancel_all(d->fetcher);
	event_base_loopexit(d->base, NULL);
}

static void
serve_signal_cb(int sig, short what, void *arg)
{
	struct daemon	*d = arg;
	struct timeval	 tv = { SERVE_DRAIN_SECONDS, 0 };

	(void)what;
	if (sig == SIGHUP) {
		sd_notify(0, "RELOADING=1");
		serve_reload(d);
		sd_notify(0, "READY=1");
		return;
	}
	if (d->stopping)
		return;
	d->stopping = true;
	sd_notify(0, "STOPPING=1");
	log_info("%s: stopping, %zu transfers in flight",
	    sig == SIGTERM ? "SIGTERM" : "SIGINT", d->in_flight);
	if (d->http != NULL)
		http_stop(d->http);
	if (d->in_flight == 0) {
		event_base_loopexit(d->base, NULL);
		return;
	}
	d->drain = evtimer_new(d->base, serve_drain_cb, d);
	evtimer_add(d->drain, &tv);
}

static void
serve_watchdog_cb(int fd, short what, void *arg)
{
	struct daemon	*d = arg;

	(void)fd;
	(void)what;
	sd_notify(0, "WATCHDOG=1");
	serve_notify_status(d);
}

static struct event *
serve_signal(struct daemon *d, int sig)
{
	struct event	*ev;

	if ((ev = evsignal_new(d->base, sig, serve_signal_cb, d)) == NULL ||
	    evsignal_add(ev, NULL) == -1)
		fatalx("signal %d", sig);
	return ev;
}

/*
 * The topics the archive was tagged with, against the configuration's:
 * when topics.conf changed while the daemon was down, serve re-tags the
 * archive as a SIGHUP would have (fetch --once only says so). A new,
 * empty archive takes the configuration's print as it is.
 */
static void
serve_topics_check(struct daemon *d)
{
	uint64_t	print = config_topics_print(d->cfg);
	int64_t		stored = 0;
	bool		found, empty;
	char		err[256];

	if (d->store_readonly)
		return;
	if (store_meta_get(d->store, RUN_TOPICS_PRINT, &stored, &found, err,
	    sizeof(err)) == -1 || store_is_empty(d->store, &empty, err,
	    sizeof(err)) == -1) {
		log_warnx("store: %s", err);
		return;
	}
	if (found && (uint64_t)stored == print)
		return;
	if (!found && empty) {
		if (store_meta_set(d->store, RUN_TOPICS_PRINT, (int64_t)print,
		    err, sizeof(err)) == -1)
			log_warnx("store: %s", err);
		return;
	}
	if (d->once)
		log_info("%s: pactfeed serve re-tags the archive", found ?
		    "topics changed since the archive was tagged" :
		    "no record of the topics the archive was tagged with");
	else {
		log_info("%s: re-tagging the archive", found ?
		    "topics changed since the archive was tagged" :
		    "no record of the topics the archive was tagged with");
		run_retag_start(d);
	}
}

/* Loads the config, opens the store, builds the loop; exits on failure
 * with the contract's status. */
static void
serve_open(struct daemon *d, const char *path, bool once)
{
	struct fetch_limits	 fl;
	struct config		*cfg;
	char			*errors = NULL, err[512], err2[512];

	memset(d, 0, sizeof(*d));
	d->once = once;
	d->config_path = xstrdup(path);
	if ((cfg = config_load(path, &errors)) == NULL) {
		serve_log_errors(errors);
		free(errors);
		exit(EXIT_BADINPUT);
	}
	d->store_path = xstrdup(cfg->database);
	/* Opening may bring an archive's schema up to date, which can
	 * rewrite every entry row (about 20 s per million): systemd's start
	 * timeout is extended for it, before READY=1. */
	sd_notifyf(0, "EXTEND_TIMEOUT_USEC=%llu\nSTATUS=opening %s",
	    15ULL * 60 * 1000000, cfg->database);
	if ((d->store = store_open(cfg->database, err, sizeof(err))) == NULL) {
		/* Not writable (read-only disk or file): serve what it
		 * holds, and open it again for writing at each store. */
		if (once || (d->store = store_open_readonly(cfg->database,
		    err2, sizeof(err2))) == NULL) {
			log_warnx("store: %s", err);
			if (!once)
				log_warnx("store: read-only: %s", err2);
			exit(EXIT_RUNTIME);
		}
		log_warnx("store: %s: serving it read-only; fetched entries "
		    "are stored once it can be written", err);
		d->store_readonly = true;
		d->store_failing = true;
	}
	if ((d->base = event_base_new()) == NULL)
		fatalx("event_base_new");
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		fatalx("curl_global_init");
	run_init(d);
	serve_fetch_limits(cfg, &fl);
	if ((d->fetcher = fetcher_new(d->base, &fl)) == NULL)
		fatalx("fetcher_new");
	if (serve_apply_config(d, cfg) == -1) {
		config_free(cfg);
		exit(EXIT_BADINPUT);
	}
	serve_topics_check(d);
	d->sig_term = serve_signal(d, SIGTERM);
	d->sig_int = serve_signal(d, SIGINT);
	signal(SIGPIPE, SIG_IGN);
}

static void
serve_close(struct daemon *d)
{
	if (d->http != NULL)
		http_free(d->http);
	/* Transfers first: their callbacks still touch the daemon. */
	fetcher_free(d->fetcher);
	run_close(d);
	run_sources_free(d);
	tag_free(d->tagger);
	store_close(d->store);
	config_free(d->cfg);
	if (d->tick != NULL)
		event_free(d->tick);
	if (d->retag != NULL)
		event_free(d->retag);
	if (d->drain != NULL)
		event_free(d->drain);
	if (d->prune != NULL)
		event_free(d->prune);
	if (d->watchdog != NULL)
		event_free(d->watchdog);
	if (d->sig_hup != NULL)
		event_free(d->sig_hup);
	if (d->sig_term != NULL)
		event_free(d->sig_term);
	if (d->sig_int != NULL)
		event_free(d->sig_int);
	if (d->base != NULL)
		event_base_free(d->base);
	curl_global_cleanup();
	free(d->config_path);
	free(d->store_path);
}

static const char *
serve_options(int argc, char *argv[], bool *once, bool *all)
{
	static const struct option longopts[] = {
		{ "config",	required_argument, NULL, 'c' },
		{ "once",	no_argument, NULL, 'o' },
		{ "all",	no_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*path = cmd_default_config();
	int		 ch;

	while ((ch = getopt_long(argc, argv, "c:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case 'o':
			if (once == NULL)
				cmd_usage();
			*once = true;
			break;
		case 'a':
			if (all == NULL)
				cmd_usage();
			*all = true;
			break;
		default:
			cmd_usage();
		}
	}
	if (optind != argc)
		cmd_usage();
	return path;
}

int
cmd_serve(int argc, char *argv[])
{
	struct daemon	 d;
	struct timeval	 tv;
	uint64_t	 usec;
	char		 err[256];
	const char	*path = serve_options(argc, argv, NULL, NULL);

	serve_open(&d, path, false);
	d.sig_hup = serve_signal(&d, SIGHUP);
	if ((d.http = http_new(&d, err, sizeof(err))) == NULL) {
		log_warnx("http: %s", err);
		serve_close(&d);
		return EXIT_RUNTIME;
	}
	if (sd_watchdog_enabled(0, &usec) > 0) {
		tv.tv_sec = usec / 2000000;
		tv.tv_usec = (usec / 2) % 1000000;
		d.watchdog = event_new(d.base, -1, EV_PERSIST,
		    serve_watchdog_cb, &d);
		evtimer_add(d.watchdog, &tv);
	}
	/* What is due starts now, not at the first tick (100 ms). */
	run_start_due(&d);
	run_schedule(&d);
	log_info("serving %zu sources on %s", d.nsources, d.cfg->listen);
	sd_notify(0, "READY=1");
	serve_notify_status(&d);
	event_base_dispatch(d.base);
	log_info("stopped");
	serve_close(&d);
	return 0;
}

int
cmd_fetch(int argc, char *argv[])
{
	struct daemon	 d;
	bool		 once = false, all = false;
	const char	*path = serve_options(argc, argv, &once, &all);
	size_t		 failing;

	if (!once) {
		fprintf(stderr, "pactfeed fetch: --once is required (use "
		    "serve to keep fetching)\n");
		cmd_usage();
	}
	serve_open(&d, path, true);
	if (all)
		run_mark_all_due(&d);
	run_start_due(&d);
	run_schedule(&d);
	event_base_dispatch(d.base);
	failing = run_failing(&d);
	log_info("fetch: %zu sources, %zu failing, %llu new entries, %llu "
	    "updated", d.nsources, failing,
	    (unsigned long long)d.stats.entries_new,
	    (unsigned long long)d.stats.entries_updated);
	serve_close(&d);
	return 0;
}
