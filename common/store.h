#ifndef STORE_H
#define STORE_H

/*
 * The archive: every entry any source ever published, once, in SQLite.
 * Entries are keyed within their source (id/guid, else canonical link,
 * else a hash of title and date); entries carrying the same news from
 * several sources form one story, which keeps its first entry's id for
 * ever. Each fetched feed is stored all or nothing: in a transaction of
 * its own, or within a batch in a savepoint of its own with one commit
 * for the whole batch. Statements prepared once.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct entry;
struct feed;
struct store;		/* the SQLite archive; one per process */

/* What store_put_feed did with a feed's entries. */
struct store_put_result {
	size_t		 nnew;		/* stored for the first time */
	size_t		 nupdated;	/* title, link or text changed */
	size_t		 nunchanged;	/* seen before, nothing written */
	size_t		 npruned;	/* key of a pruned entry: ignored */
	size_t		 nmerged;	/* new entries that joined a story */
	size_t		 nspared;	/* lookups known to find nothing */
	bool		 link_keys;	/* the source's ids are broken: its
					   entries are keyed by link */
};

/* What the store remembers of a source between runs. Strings are
 * borrowed from the store until the next call on it. */
struct store_source_state {
	const char	*etag;
	const char	*last_modified;
	const char	*redirect_url;	/* permanent redirect target */
	const char	*last_status;	/* one line, for humans */
	time_t		 next_fetch;	/* 0: never set */
	time_t		 last_fetch;
	time_t		 last_success;
	int		 http_status;
	int		 error_streak;
	bool		 disabled;
};

/* The original feed an entry came from, for atom:source. */
struct store_feedinfo {
	const char	*id;
	const char	*title;
	const char	*link;
	time_t		 updated;	/* DATE_NONE when unknown */
};

/* One source that carried a story. */
struct store_carrier {
	const char	*source;	/* source id, as in sources.conf */
	const char	*link;		/* its entry's link */
	const char	*entry_id;	/* its entry's original id, or NULL */
	struct store_feedinfo feed;
};

/* One story, as handed to a store_story_cb; all of it is borrowed and
 * lives until the callback returns. */
struct store_story {
	int64_t		 id;		/* with updated: the paging cursor */
	time_t		 updated;	/* newest update of its entries */
	time_t		 first;		/* date of its first entry */
	const char	*uid;		/* the first entry's id, for ever */
	const struct entry *entry;	/* the representative (first) entry;
					   its topics are the story's */
	const char	*source;	/* the representative's source */
	const struct store_feedinfo *feed; /* and its feed */
	const struct store_carrier *carriers;	/* each entry of the story,
						   first first */
	size_t		 ncarriers;
};

typedef int	(*store_story_cb)(const struct store_story *, void *);

/* A story query. NULL / 0 fields do not filter. Stories come newest
 * first by (updated, id); a cursor from the last story of a page gives
 * the next page. With newer, they come oldest first, each newer than
 * the cursor: the way back to the page before, in one indexed query. */
struct store_filter {
	const char	*topic;
	const char	*source;
	const char	*q;		/* FTS5 query over title, summary and
					   content; bad syntax fails the call */
	const char	*lang;		/* primary subtag: "en", "fr" */
	time_t		 since;		/* updated at or after */
	bool		 has_cursor;
	time_t		 cursor_updated;	/* strictly older than this */
	int64_t		 cursor_id;
	size_t		 limit;		/* 0: 50 */
	bool		 newer;		/* strictly newer, oldest first */
};

typedef int	(*store_count_cb)(const char *name, int64_t n, void *);
/* Re-tagging: the callback replaces e->topics, adding them with
 * feed_add_topic(e) and copying strings with feed_strdup(f, ...);
 * source is the name of the entry's source. */
typedef int	(*store_retag_cb)(struct feed *f, struct entry *e,
		    const char *source, void *);

struct store	*store_open(const char *path, char *err, size_t errlen);
/* The archive when it cannot be written (read-only disk or file): it
 * answers queries; every write fails. The schema must be current. */
struct store	*store_open_readonly(const char *path, char *err,
		    size_t errlen);
void		 store_close(struct store *);
/* The time the store takes as now; 0 (the default) is the clock. */
void		 store_set_now(struct store *, time_t);

/*
 * A batch: store_put_feed and store_source_set calls between begin and
 * end share one transaction and one commit, and their FTS rows one
 * segment. Each feed is still atomic: one that fails is undone alone
 * (back to its savepoint) and the others stay. Nothing of the batch is
 * durable, or visible to other connections, before store_batch_end
 * returns 0; when it fails the whole batch is gone. Text queries made
 * within a batch do not see its entries yet. store_prune and
 * store_retag fail within a batch. Keep batches short: the write lock
 * is held throughout.
 */
int		 store_batch_begin(struct store *, char *err, size_t errlen);
int		 store_batch_end(struct store *, char *err, size_t errlen);

/* Stores the entries of one fetch of a source, all or nothing: in one
 * transaction, or in a savepoint within a batch. */
int		 store_put_feed(struct store *, const char *source,
		    const struct feed *, struct store_put_result *,
		    char *err, size_t errlen);

/*
 * What storing a feed needs that depends on the feed alone (canonical
 * links, change hashes, title fingerprints, the JSON and topic columns),
 * made without the store: on another thread than the store's, so that
 * the one that writes does only SQLite. store_put_prepared is
 * store_put_feed with it, and frees it; a prep never stored is freed by
 * store_prep_free. The feed must outlive the prep unchanged.
 */
struct store_prep;
struct store_prep *store_prepare(const struct feed *);
void		 store_prep_free(struct store_prep *);
int		 store_put_prepared(struct store *, const char *source,
		    const struct feed *, struct store_prep *,
		    struct store_put_result *, char *err, size_t errlen);

/* Source state: get fills *state (zeroed when the source is unknown,
 * then returns 0 too); set writes every field. */
int		 store_source_get(struct store *, const char *source,
		    struct store_source_state *, char *err, size_t errlen);
/* When the source's newest stored entry was first fetched; 0 when it
 * has none. For "no new entry for N days" across restarts. */
int		 store_source_last_new(struct store *, const char *source,
		    time_t *, char *err, size_t errlen);
int		 store_source_set(struct store *, const char *source,
		    const struct store_source_state *, char *err,
		    size_t errlen);

/* Calls cb for each story matching f, newest first; stops early when cb
 * returns non-zero. */
int		 store_query_stories(struct store *,
		    const struct store_filter *f, store_story_cb cb, void *arg,
		    char *err, size_t errlen);
/* Stories per topic; stored entries per source. */
int		 store_count_topics(struct store *, store_count_cb, void *,
		    char *err, size_t errlen);
int		 store_count_sources(struct store *, store_count_cb, void *,
		    char *err, size_t errlen);
/* Grows with every change written; the HTTP cache compares it. */
uint64_t	 store_generation(struct store *);
/* Copies what the WAL holds into the database, without waiting for
 * readers or writers (SQLite's PASSIVE mode), on the store's own
 * connection: for a caller without a checkpointer (below), when idle,
 * so that the automatic checkpoint, every 10,000 pages, seldom falls on
 * a commit in the middle of fetching. */
int		 store_checkpoint(struct store *, char *err, size_t errlen);
/*
 * A checkpointer on another thread, so that commits seldom copy the WAL
 * back themselves: after each commit of st, fn(arg, pages the WAL
 * holds) runs instead of SQLite's automatic checkpoint, and the caller
 * has store_ckpt_run() called on its own connection, from its own
 * thread, when the WAL grows. Past 10,000 pages (the checkpointer, run
 * beside steady commits, never catches up, and SQLite starts a WAL
 * again only once all of it is copied) the commit checkpoints instead
 * of calling fn. fn NULL brings the automatic checkpoint back.
 */
typedef void	(*store_wal_fn)(void *arg, int pages);
void		 store_wal_notify(struct store *, store_wal_fn, void *arg);
struct store_ckpt;
struct store_ckpt *store_ckpt_open(const char *path, char *err,
		    size_t errlen);
/* A PASSIVE checkpoint: of the *pages the WAL holds, *left are not in
 * the database yet (written while it ran, or held by a reader). */
int		 store_ckpt_run(struct store_ckpt *, int *pages, int *left,
		    char *err, size_t errlen);
/* Close it before the store: the last connection to close checkpoints
 * what is left and removes the WAL. NULL is fine. */
void		 store_ckpt_close(struct store_ckpt *);
/* Bytes held by the title sketches of the fortnights in memory (they
 * grow with the stories first seen in them, and STORE_NBUCKETS bounds
 * the fortnights kept). */
size_t		 store_sketch_bytes(const struct store *);

/* Puts the text of up to `max` stories stored since into the full-text
 * index, in transactions of a few thousand: store_put_feed leaves that
 * work for later, so call this when idle. A text query calls it first
 * for up to 20,000 stories, unless another writer holds the lock, so
 * searches see what was stored unless far behind. No new generation:
 * no page changes by it. *more (when not NULL): some are still waiting.
 * Fails within a batch. */
int		 store_index(struct store *, size_t max, bool *more,
		    char *err, size_t errlen);

/* Named numbers kept with the archive (the topics print, say): get sets
 * *found; set writes at once, outside a batch. "generation" is the
 * store's own. */
int		 store_meta_get(struct store *, const char *name,
		    int64_t *value, bool *found, char *err, size_t errlen);
int		 store_meta_set(struct store *, const char *name,
		    int64_t value, char *err, size_t errlen);
/* Whether the last call failed because another connection held the
 * write lock (a passing condition, not a broken store). */
bool		 store_locked(const struct store *);
/* Whether no entry is stored at all. */
int		 store_is_empty(struct store *, bool *empty, char *err,
		    size_t errlen);

/* Deletes entries last updated before `before`, keeping their keys so
 * a source still listing one never brings it back. */
int		 store_prune(struct store *, time_t before, size_t *npruned,
		    char *err, size_t errlen);

/* Re-tags up to `limit` entries with row ids above `after`, in one
 * transaction; *last is the last row id seen (0 when there is none
 * left). */
int		 store_retag(struct store *, int64_t after, size_t limit,
		    store_retag_cb, void *arg, int64_t *last,
		    char *err, size_t errlen);

#endif /* STORE_H */
