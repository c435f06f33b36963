/*
 * The topic tagger (phrase syntax and scoring: tag.h). Every phrase and
 * veto of every topic goes into one trie of normalised characters; a
 * space edge joins the words of a phrase and a star edge follows a
 * "prefix*" word. Tagging a field enters the trie at each of its words
 * and walks on while the text agrees, so the work per word is bounded by
 * the longest phrase, whatever the number of topics. The invariant that
 * makes this correct: phrases and text go through the same words_split(),
 * so both sides are normalised and split alike.
 */

#include "tag.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <utf8proc.h>

#include "config.h"
#include "entry.h"
#include "text.h"
#include "words.h"
#include "xmalloc.h"

#define TAG_MAXWORDS	16	/* words in a phrase */
#define TAG_TITLE	1.5	/* factor of an occurrence in the title */
#define TAG_DEEP	0.5	/* ... in summary or content past TAG_LEAD */
#define TAG_CAP		1.5	/* most a phrase's occurrences add up to */
#define TAG_CTXCAP	0.5	/* most a topic's context phrases add up to */
#define TAG_DENSE	8	/* nodes with more children get a table */

#define TAG_MVETO	0x1	/* match kinds */
#define TAG_MGLOBAL	0x2
#define TAG_MCONTEXT	0x4

#define TAG_KSTRONG	0x1	/* a phrase of weight 1 or more */
#define TAG_KWEAK	0x2	/* a lighter one */
#define TAG_KCONTEXT	0x4	/* a "~" phrase */

enum tag_field {
	TAG_FTITLE,
	TAG_FSUMMARY,
	TAG_FCONTENT,
	TAG_NFIELDS
};

static const char *const tag_field_names[TAG_NFIELDS] = {
	"title", "summary", "content"
};

struct tag_phrase {
	size_t		 topic;
	double		 weight;
	bool		 veto;
	bool		 global;	/* "!" veto */
	bool		 context;	/* "~" phrase */
	char		*text;		/* as written, for explanations */
	size_t		 len;
};

/*
 * A node of the packed trie, where chains of single children are folded
 * into their last node's label: after the edge byte, the text must go on
 * with the label to reach the node. Nodes are 20 bytes and, numbered
 * breadth first, the ones most walks visit lie together. Nodes where a
 * phrase ends or goes on to another word point to a struct tag_info.
 */
struct tag_node {
	int32_t		 next;		/* one child: it; more: first edge
					   in edge_byte/edge_node, or the
					   dense table */
	int32_t		 info;		/* in tg->info, or -1 */
	int32_t		 label;		/* in tg->labels */
	uint16_t	 nlabel;
	uint16_t	 nedges;
	uint8_t		 c;		/* the byte to the only child */
};

struct tag_info {
	int32_t		 space;		/* next word after a whole word; -1 */
	int32_t		 star;		/* next word after a prefix; -1 */
	int32_t		 exact;		/* phrases ending with the word: */
	int32_t		 nexact;	/* tg->accept[exact .. +nexact) */
	int32_t		 prefix;	/* phrases ending with "prefix*" */
	int32_t		 nprefix;
};

/* One occurrence of a phrase or veto in a field. */
struct tag_match {
	int32_t		 phrase;
	uint32_t	 topic;
	uint8_t		 kind;		/* TAG_M*, 0 for a plain phrase */
	uint8_t		 field;
	bool		 cancelled;	/* by a veto or a heavier overlap */
	bool		 shadowed;
	uint32_t	 first;		/* word indexes in the field */
	uint32_t	 last;
};

struct tagger {
	char			**ids;
	bool			 *hasctx;	/* topic has "~" phrases */
	size_t			  ntopics;
	struct tag_phrase	 *phrases;
	size_t			  nphrases;

	struct tag_node		 *nodes;
	size_t			  nnodes;
	struct tag_info		 *info;
	size_t			  ninfo;
	unsigned char		 *labels;
	size_t			  nlabels;
	unsigned char		 *edge_byte;
	int32_t			 *edge_node;
	size_t			  nedges;
	int32_t			 *dense;	/* 256 per dense node */
	size_t			  ndense;
	int32_t			 *accept;
	size_t			  naccept;

	/* Scratch for one document; stamps spare clearing per call. */
	struct words		  words[TAG_NFIELDS];
	struct buf		  html;
	struct buf		  why;
	struct tag_match	 *m;
	size_t			  nm, mcap;
	uint32_t		  gen;
	uint32_t		 *pstamp;	/* per phrase */
	double			 *pacc;
	uint8_t			 *pfields;	/* bit per field */
	uint32_t		 *pshown;
	uint8_t			 *pkind;	/* TAG_M* of each phrase */
	struct tag_match	 *m2;		/* m grouped by topic */
	size_t			  m2cap;
	uint32_t		 *gstamp;	/* per topic: */
	size_t			 *gcount;	/* its occurrences */
	size_t			 *gstart;	/* where they start in m */
	size_t			 *glist;	/* topics that occur */
	uint64_t		 *tbits;	/* the same, as a bitmap */
	size_t			  nglist;
	size_t			 *touched;	/* phrases of one topic */
	size_t			  ntouched;
	struct tag_hit		 *hits;
	size_t			 *whyoff;
};

/* The trie while it is built: linked lists, packed by tag_pack(). */
struct tag_build {
	struct tag_bnode {
		int32_t	 edge, space, star, exact, prefix;
	}			*nodes;
	size_t			 nnodes, ncap;
	struct tag_bedge {
		unsigned char	 c;
		int32_t		 node, next;
	}			*edges;
	size_t			 nedges, ecap;
	struct tag_bacc {
		int32_t	 phrase, next;
	}			*accs;
	size_t			 naccs, acap;
};

static int32_t
tag_build_node(struct tag_build *b)
{
	if (b->nnodes == b->ncap) {
		b->ncap = b->ncap == 0 ? 256 : b->ncap * 2;
		b->nodes = xreallocarray(b->nodes, b->ncap, sizeof(*b->nodes));
	}
	b->nodes[b->nnodes].edge = -1;
	b->nodes[b->nnodes].space = -1;
	b->nodes[b->nnodes].star = -1;
	b->nodes[b->nnodes].exact = -1;
	b->nodes[b->nnodes].prefix = -1;
	return (int32_t)b->nnodes++;
}

static int32_t
tag_build_child(struct tag_build *b, int32_t node, unsigned char c)
{
	int32_t	 e, child;

	for (e = b->nodes[node].edge; e != -1; e = b->edges[e].next)
		if (b->edges[e].c == c)
			return b->edges[e].node;
	child = tag_build_node(b);
	if (b->nedges == b->ecap) {
		b->ecap = b->ecap == 0 ? 256 : b->ecap * 2;
		b->edges = xreallocarray(b->edges, b->ecap, sizeof(*b->edges));
	}
	b->edges[b->nedges].c = c;
	b->edges[b->nedges].node = child;
	b->edges[b->nedges].next = b->nodes[node].edge;
	b->nodes[node].edge = (int32_t)b->nedges++;
	return child;
}

/* Adds phrase p to the accept list *head unless its topic already has
 * an identical phrase of the same kind there; returns that one or -1. */
static int32_t
tag_build_accept(struct tag_build *b, const struct tag_phrase *ph,
    int32_t *head, int32_t p)
{
	int32_t	 a;

	for (a = *head; a != -1; a = b->accs[a].next) {
		const struct tag_phrase	*q = &ph[b->accs[a].phrase];

		if (q->topic == ph[p].topic)
			return b->accs[a].phrase;
	}
	if (b->naccs == b->acap) {
		b->acap = b->acap == 0 ? 256 : b->acap * 2;
		b->accs = xreallocarray(b->accs, b->acap, sizeof(*b->accs));
	}
	b->accs[b->naccs].phrase = p;
	b->accs[b->naccs].next = *head;
	*head = (int32_t)b->naccs++;
	return -1;
}

static void
tag_build_free(struct tag_build *b)
{
	free(b->nodes);
	free(b->edges);
	free(b->accs);
}

/*
 * Compiles phrase p (its text s without "!" and "^W") into the trie.
 * Chunks between spaces are normalised by words_split(), which may make
 * several words of one chunk ("pre-entry"); a chunk's trailing "*"
 * applies to its last word.
 */
static int
tag_compile(struct tag_build *b, struct tag_phrase *ph, int32_t p,
    const char *s, char *err, size_t errlen)
{
	struct words	 w = { 0 };
	const char	*q = s, *chunk;
	int32_t		 node = 0, dup, n;
	size_t		 nwords = 0, len;
	bool		 star, wordstart = true;
	int		 rc = -1;

	for (;;) {
		while (*q == ' ' || *q == '\t')
			q++;
		if (*q == '\0')
			break;
		chunk = q;
		while (*q != '\0' && *q != ' ' && *q != '\t')
			q++;
		len = q - chunk;
		if ((star = chunk[len - 1] == '*'))
			len--;
		if (memchr(chunk, '*', len) != NULL) {
			snprintf(err, errlen, "\"*\" only ends a word");
			goto out;
		}
		words_clear(&w);
		words_split(&w, chunk, len);
		if (w.n == 0 && star) {
			snprintf(err, errlen, "\"*\" after no word");
			goto out;
		}
		if (nwords + w.n > TAG_MAXWORDS) {
			snprintf(err, errlen, "more than %d words",
			    TAG_MAXWORDS);
			goto out;
		}
		for (size_t i = 0; i < w.n; i++) {
			const char	*t = w.text + w.v[i].off;

			if (!wordstart) {
				if ((n = b->nodes[node].space) == -1) {
					n = tag_build_node(b);
					b->nodes[node].space = n;
				}
				node = n;
			}
			for (size_t k = 0; k < w.v[i].len; k++)
				node = tag_build_child(b, node,
				    (unsigned char)t[k]);
			nwords++;
			wordstart = false;
		}
		if (!star)
			continue;
		while (*q == ' ' || *q == '\t')
			q++;
		if (*q == '\0') {
			dup = tag_build_accept(b, ph, &b->nodes[node].prefix,
			    p);
			goto accepted;
		}
		/* More words follow: they start at the star node. */
		if ((n = b->nodes[node].star) == -1) {
			n = tag_build_node(b);
			b->nodes[node].star = n;
		}
		node = n;
		wordstart = true;
	}
	if (nwords == 0) {
		snprintf(err, errlen, "no words");
		goto out;
	}
	dup = tag_build_accept(b, ph, &b->nodes[node].exact, p);
accepted:
	if (dup != -1) {
		snprintf(err, errlen, "same as \"%s\"", ph[dup].text);
		goto out;
	}
	rc = 0;
out:
	words_free(&w);
	return rc;
}

/* Whether build node i must stay a node of its own: the root, where a
 * word may start or end, where the trie branches. */
static bool
tag_pack_real(const struct tag_build *b, const bool *entry, int32_t i)
{
	const struct tag_bnode	*bn = &b->nodes[i];

	return i == 0 || entry[i] || bn->space != -1 || bn->star != -1 ||
	    bn->exact != -1 || bn->prefix != -1 || bn->edge == -1 ||
	    b->edges[bn->edge].next != -1;
}

/* Follows the single-child chain from build node x; returns the node
 * that ends it and appends the bytes on the way to lab. */
static int32_t
tag_pack_chain(const struct tag_build *b, const bool *entry, int32_t x,
    struct buf *lab)
{
	while (!tag_pack_real(b, entry, x)) {
		const struct tag_bedge	*e = &b->edges[b->nodes[x].edge];

		buf_addc(lab, (char)e->c);
		x = e->node;
	}
	return x;
}

/*
 * Turns the linked build lists into flat arrays: chains folded into
 * labels, nodes numbered breadth first so that the first letters of
 * every phrase, where most walks end, lie together in a few cache lines.
 */
static void
tag_pack(struct tagger *tg, const struct tag_build *b)
{
	struct buf	 lab = { 0 };
	int32_t		*order, *newid, *labeloff;
	uint16_t	*labellen;
	bool		*entry;
	size_t		 head = 0, tail = 0;

	order = xcalloc(b->nnodes, sizeof(*order));
	newid = xcalloc(b->nnodes, sizeof(*newid));
	labeloff = xcalloc(b->nnodes, sizeof(*labeloff));
	labellen = xcalloc(b->nnodes, sizeof(*labellen));
	entry = xcalloc(b->nnodes, sizeof(*entry));
	for (size_t i = 0; i < b->nnodes; i++) {
		newid[i] = -1;
		if (b->nodes[i].space != -1)
			entry[b->nodes[i].space] = true;
		if (b->nodes[i].star != -1)
			entry[b->nodes[i].star] = true;
	}

	/* Breadth first over the real nodes, labels as we go. */
	buf_add(&lab, "", 0);
	order[tail++] = 0;
	newid[0] = 0;
	while (head < tail) {
		const struct tag_bnode	*bn = &b->nodes[order[head++]];
		int32_t			 next[2] = { bn->space, bn->star };

		for (int32_t e = bn->edge; e != -1; e = b->edges[e].next) {
			size_t	 off = lab.len;
			int32_t	 x;

			x = tag_pack_chain(b, entry, b->edges[e].node, &lab);
			labeloff[x] = (int32_t)off;
			labellen[x] = (uint16_t)(lab.len - off);
			newid[x] = (int32_t)tail;
			order[tail++] = x;
		}
		for (int k = 0; k < 2; k++)
			if (next[k] != -1 && newid[next[k]] == -1) {
				newid[next[k]] = (int32_t)tail;
				order[tail++] = next[k];
			}
	}

	tg->nnodes = tail;
	tg->nodes = xcalloc(tail, sizeof(*tg->nodes));
	tg->edge_byte = xmalloc(b->nedges + 1);
	tg->edge_node = xcalloc(b->nedges + 1, sizeof(*tg->edge_node));
	tg->accept = xcalloc(b->naccs + 1, sizeof(*tg->accept));
	tg->info = xcalloc(tail, sizeof(*tg->info));
	for (size_t i = 0; i < tail; i++) {
		const struct tag_bnode	*bn = &b->nodes[order[i]];
		struct tag_node		*n = &tg->nodes[i];
		struct tag_info		*in;
		size_t			 first = tg->nedges;
		int32_t			 e, a, x;

		n->label = labeloff[order[i]];
		n->nlabel = labellen[order[i]];
		for (e = bn->edge; e != -1; e = b->edges[e].next) {
			/* The chain's end, found again without labels. */
			for (x = b->edges[e].node; newid[x] == -1;
			    x = b->edges[b->nodes[x].edge].node)
				;
			tg->edge_byte[tg->nedges] = b->edges[e].c;
			tg->edge_node[tg->nedges++] = newid[x];
		}
		n->nedges = (uint16_t)(tg->nedges - first);
		if (n->nedges == 1) {
			n->c = tg->edge_byte[first];
			n->next = tg->edge_node[first];
			tg->nedges = first;	/* kept in the node itself */
		} else if (n->nedges > TAG_DENSE) {
			int32_t	*d;

			n->next = (int32_t)tg->ndense++;
			tg->dense = xreallocarray(tg->dense, tg->ndense * 256,
			    sizeof(*tg->dense));
			d = tg->dense + (size_t)n->next * 256;
			for (int c = 0; c < 256; c++)
				d[c] = -1;
			for (size_t k = first; k < tg->nedges; k++)
				d[tg->edge_byte[k]] = tg->edge_node[k];
			tg->nedges = first;
		} else
			n->next = (int32_t)first;
		n->info = -1;
		if (bn->space == -1 && bn->star == -1 && bn->exact == -1 &&
		    bn->prefix == -1)
			continue;
		n->info = (int32_t)tg->ninfo;
		in = &tg->info[tg->ninfo++];
		in->space = bn->space == -1 ? -1 : newid[bn->space];
		in->star = bn->star == -1 ? -1 : newid[bn->star];
		in->exact = (int32_t)tg->naccept;
		for (a = bn->exact; a != -1; a = b->accs[a].next)
			tg->accept[tg->naccept++] = b->accs[a].phrase;
		in->nexact = (int32_t)tg->naccept - in->exact;
		in->prefix = (int32_t)tg->naccept;
		for (a = bn->prefix; a != -1; a = b->accs[a].next)
			tg->accept[tg->naccept++] = b->accs[a].phrase;
		in->nprefix = (int32_t)tg->naccept - in->prefix;
	}
	tg->nlabels = lab.len;
	tg->labels = (unsigned char *)buf_release(&lab);
	free(order);
	free(newid);
	free(labeloff);
	free(labellen);
	free(entry);
}

/* Reads "!" and "^W" off phrase text s; the rest goes to *body. */
static int
tag_parse_phrase(struct tag_phrase *ph, const char *s, char **body,
    char *err, size_t errlen)
{
	const char	*caret;
	char		*end;

	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '~') {
		if (ph->veto) {
			snprintf(err, errlen, "\"~\" is for phrases only");
			return -1;
		}
		ph->context = true;
		s++;
	} else if (*s == '!') {
		if (!ph->veto) {
			snprintf(err, errlen, "\"!\" is for vetoes only");
			return -1;
		}
		ph->global = true;
		s++;
	}
	ph->weight = 1.0;
	if ((caret = strrchr(s, '^')) != NULL) {
		if (ph->veto) {
			snprintf(err, errlen, "a veto has no weight");
			return -1;
		}
		errno = 0;
		ph->weight = strtod(caret + 1, &end);
		while (*end == ' ' || *end == '\t')
			end++;
		if (errno != 0 || end == caret + 1 || *end != '\0' ||
		    !(ph->weight > 0 && ph->weight <= 10)) {
			snprintf(err, errlen, "weight after \"^\" must be a "
			    "number above 0, at most 10");
			return -1;
		}
		*body = xstrndup(s, caret - s);
	} else
		*body = xstrdup(s);
	return 0;
}

struct tagger *
tag_new(const struct topic *topics, size_t ntopics, char *err, size_t errlen)
{
	struct tagger		*tg;
	struct tag_build	 b = { 0 };
	char			 why[200], *body;
	size_t			 n = 0;

	tg = xcalloc(1, sizeof(*tg));
	tg->ntopics = ntopics;
	tg->ids = xcalloc(ntopics + 1, sizeof(*tg->ids));
	tg->hasctx = xcalloc(ntopics + 1, sizeof(*tg->hasctx));
	for (size_t t = 0; t < ntopics; t++) {
		tg->ids[t] = xstrdup(topics[t].id);
		n += topics[t].nphrases + topics[t].nvetoes;
	}
	tg->phrases = xcalloc(n + 1, sizeof(*tg->phrases));
	tag_build_node(&b);		/* the root */
	for (size_t t = 0; t < ntopics; t++) {
		const struct topic	*tp = &topics[t];
		size_t			 np = tp->nphrases + tp->nvetoes;

		for (size_t i = 0; i < np; i++) {
			struct tag_phrase	*ph;
			const char		*s;
			int32_t			 p;

			p = (int32_t)tg->nphrases++;
			ph = &tg->phrases[p];
			ph->topic = t;
			ph->veto = i >= tp->nphrases;
			s = ph->veto ? tp->vetoes[i - tp->nphrases] :
			    tp->phrases[i];
			ph->text = xstrdup(s);
			ph->len = strlen(s);
			if (tag_parse_phrase(ph, s, &body, why,
			    sizeof(why)) == -1)
				goto fail;
			if (tag_compile(&b, tg->phrases, p, body, why,
			    sizeof(why)) == -1) {
				free(body);
				goto fail;
			}
			free(body);
			continue;
fail:
			if (tp->file != NULL)
				snprintf(err, errlen, "%s:%d: topic %s: %s "
				    "\"%s\": %s", tp->file, tp->line, tp->id,
				    ph->veto ? "veto" : "phrase", s, why);
			else
				snprintf(err, errlen, "topic %s: %s \"%s\": %s",
				    tp->id, ph->veto ? "veto" : "phrase", s,
				    why);
			tag_build_free(&b);
			tag_free(tg);
			return NULL;
		}
	}
	tag_pack(tg, &b);
	tag_build_free(&b);

	tg->pstamp = xcalloc(tg->nphrases + 1, sizeof(*tg->pstamp));
	tg->pacc = xcalloc(tg->nphrases + 1, sizeof(*tg->pacc));
	tg->pfields = xcalloc(tg->nphrases + 1, sizeof(*tg->pfields));
	tg->pshown = xcalloc(tg->nphrases + 1, sizeof(*tg->pshown));
	tg->touched = xcalloc(tg->nphrases + 1, sizeof(*tg->touched));
	tg->pkind = xcalloc(tg->nphrases + 1, sizeof(*tg->pkind));
	for (size_t p = 0; p < tg->nphrases; p++) {
		const struct tag_phrase	*ph = &tg->phrases[p];

		tg->pkind[p] = (ph->veto ? TAG_MVETO : 0) |
		    (ph->global ? TAG_MGLOBAL : 0) |
		    (ph->context ? TAG_MCONTEXT : 0);
		if (ph->context)
			tg->hasctx[ph->topic] = true;
	}
	tg->gstamp = xcalloc(ntopics + 1, sizeof(*tg->gstamp));
	tg->gcount = xcalloc(ntopics + 1, sizeof(*tg->gcount));
	tg->gstart = xcalloc(ntopics + 1, sizeof(*tg->gstart));
	tg->glist = xcalloc(ntopics + 1, sizeof(*tg->glist));
	tg->tbits = xcalloc(ntopics / 64 + 1, sizeof(*tg->tbits));
	tg->hits = xcalloc(ntopics + 1, sizeof(*tg->hits));
	tg->whyoff = xcalloc(ntopics + 1, sizeof(*tg->whyoff));
	return tg;
}

void
tag_free(struct tagger *tg)
{
	if (tg == NULL)
		return;
	for (size_t t = 0; t < tg->ntopics; t++)
		free(tg->ids[t]);
	free(tg->ids);
	free(tg->hasctx);
	for (size_t p = 0; p < tg->nphrases; p++)
		free(tg->phrases[p].text);
	free(tg->phrases);
	free(tg->nodes);
	free(tg->info);
	free(tg->labels);
	free(tg->edge_byte);
	free(tg->edge_node);
	free(tg->dense);
	free(tg->accept);
	for (int f = 0; f < TAG_NFIELDS; f++)
		words_free(&tg->words[f]);
	buf_free(&tg->html);
	buf_free(&tg->why);
	free(tg->m);
	free(tg->pstamp);
	free(tg->pacc);
	free(tg->pfields);
	free(tg->pshown);
	free(tg->touched);
	free(tg->pkind);
	free(tg->m2);
	free(tg->gstamp);
	free(tg->gcount);
	free(tg->gstart);
	free(tg->glist);
	free(tg->tbits);
	free(tg->hits);
	free(tg->whyoff);
	free(tg);
}

size_t
tag_ntopics(const struct tagger *tg)
{
	return tg->ntopics;
}

const char *
tag_topic_id(const struct tagger *tg, size_t t)
{
	return t < tg->ntopics ? tg->ids[t] : NULL;
}

static inline int32_t
tag_child(const struct tagger *tg, const struct tag_node *n, unsigned char c)
{
	const unsigned char	*b;

	if (n->nedges == 1)
		return n->c == c ? n->next : -1;
	if (n->nedges > TAG_DENSE)
		return tg->dense[(size_t)n->next * 256 + c];
	b = tg->edge_byte + n->next;
	for (int k = 0; k < n->nedges; k++)
		if (b[k] == c)
			return tg->edge_node[n->next + k];
	return -1;
}

static void
tag_emit(struct tagger *tg, int32_t from, int32_t count, int field,
    size_t first, size_t last)
{
	for (int32_t k = 0; k < count; k++) {
		struct tag_match	*m;

		if (tg->nm == tg->mcap) {
			tg->mcap = tg->mcap == 0 ? 64 : tg->mcap * 2;
			tg->m = xreallocarray(tg->m, tg->mcap, sizeof(*tg->m));
		}
		m = &tg->m[tg->nm++];
		m->phrase = tg->accept[from + k];
		m->topic = (uint32_t)tg->phrases[m->phrase].topic;
		m->kind = tg->pkind[m->phrase];
		m->field = (uint8_t)field;
		m->cancelled = false;
		m->shadowed = false;
		m->first = (uint32_t)first;
		m->last = (uint32_t)last;
	}
}

/* Walks the trie from node over word i of w and on, for phrases that
 * began at word first. */
static void
tag_walk(struct tagger *tg, const struct words *w, int field, size_t first,
    size_t i, int32_t node)
{
	const unsigned char	*p, *e;
	const struct tag_node	*n;
	const struct tag_info	*in;

	p = (const unsigned char *)w->text + w->v[i].off;
	e = p + w->v[i].len;
	for (;;) {
		n = &tg->nodes[node];
		if (n->info >= 0) {
			in = &tg->info[n->info];
			if (in->nprefix > 0)
				tag_emit(tg, in->prefix, in->nprefix, field,
				    first, i);
			if (in->star != -1 && i + 1 < w->n)
				tag_walk(tg, w, field, first, i + 1, in->star);
		}
		if (p == e)
			break;
		if ((node = tag_child(tg, n, *p++)) == -1)
			return;
		n = &tg->nodes[node];
		if (n->nlabel > 0) {
			const unsigned char	*l = tg->labels + n->label;

			if ((size_t)(e - p) < n->nlabel)
				return;
			for (uint16_t k = 0; k < n->nlabel; k++)
				if (p[k] != l[k])
					return;
			p += n->nlabel;
		}
	}
	if (n->info < 0)
		return;
	in = &tg->info[n->info];
	if (in->nexact > 0)
		tag_emit(tg, in->exact, in->nexact, field, first, i);
	if (in->space != -1 && i + 1 < w->n)
		tag_walk(tg, w, field, first, i + 1, in->space);
}

/* Appends the text of an HTML tree, skipping scripts and styles, with a
 * space at every element boundary. */
static void
tag_html_node(struct buf *out, xmlNode *node)
{
	for (xmlNode *n = node; n != NULL; n = n->next) {
		if (n->type == XML_TEXT_NODE ||
		    n->type == XML_CDATA_SECTION_NODE) {
			if (n->content != NULL)
				buf_adds(out, (const char *)n->content);
		} else if (n->type == XML_ELEMENT_NODE) {
			if (n->name != NULL &&
			    (strcasecmp((const char *)n->name, "script") == 0 ||
			    strcasecmp((const char *)n->name, "style") == 0))
				continue;
			buf_addc(out, ' ');
			tag_html_node(out, n->children);
			buf_addc(out, ' ');
		}
	}
}

/* libxml2's HTML parser, for markup the quick pass below cannot read. */
static void
tag_html_parse(struct buf *out, const char *s)
{
	htmlDocPtr	 doc;

	doc = htmlReadMemory(s, (int)strnlen(s, INT32_MAX), NULL, "UTF-8",
	    HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
	if (doc == NULL)
		return;
	tag_html_node(out, xmlDocGetRootElement(doc));
	xmlFreeDoc(doc);
}

/* Skips past the end of the element named name (an HTML raw text
 * element), or to the end of s. */
static const char *
tag_html_skip_raw(const char *s, const char *name)
{
	size_t	 len = strlen(name);

	while ((s = strchr(s, '<')) != NULL) {
		if (s[1] == '/' && strncasecmp(s + 2, name, len) == 0)
			break;
		s++;
	}
	if (s == NULL || (s = strchr(s, '>')) == NULL)
		return NULL;
	return s + 1;
}

/*
 * The text of HTML s, appended to out: tags become spaces, comments,
 * scripts and styles vanish, numeric entities and the five XML ones plus
 * &nbsp; are decoded. Returns -1, having written nothing, when s uses
 * another named entity: the caller then asks libxml2, which knows them
 * all. Most feed HTML takes this path, several times faster than
 * building a tree.
 */
static int
tag_html_quick(struct buf *out, const char *s)
{
	static const struct {
		const char	*name;
		const char	*text;
	} ents[] = {
		{ "amp", "&" }, { "lt", "<" }, { "gt", ">" },
		{ "quot", "\"" }, { "apos", "'" }, { "nbsp", " " },
	};
	size_t	 start = out->len, n;

	while (*s != '\0') {
		n = strcspn(s, "<&");
		buf_add(out, s, n);
		s += n;
		if (*s == '<') {
			if (strncmp(s, "<!--", 4) == 0) {
				s = strstr(s + 4, "-->");
				s = s == NULL ? "" : s + 3;
				continue;
			}
			if (strncasecmp(s, "<script", 7) == 0 &&
			    (s[7] == '>' || isspace((unsigned char)s[7])))
				s = tag_html_skip_raw(s + 7, "script");
			else if (strncasecmp(s, "<style", 6) == 0 &&
			    (s[6] == '>' || isspace((unsigned char)s[6])))
				s = tag_html_skip_raw(s + 6, "style");
			else if ((s = strchr(s, '>')) != NULL)
				s++;
			if (s == NULL)
				s = "";
			buf_addc(out, ' ');
		} else if (*s == '&') {
			const char	*semi;
			char		*end;
			long		 c;

			if (s[1] == '#') {
				unsigned char	 u[4];

				errno = 0;
				if (s[2] == 'x' || s[2] == 'X')
					c = strtol(s + 3, &end, 16);
				else
					c = strtol(s + 2, &end, 10);
				if (*end == ';' && errno == 0 && c > 0 &&
				    c <= 0x10ffff &&
				    utf8proc_codepoint_valid((int32_t)c)) {
					n = (size_t)utf8proc_encode_char(
					    (int32_t)c, u);
					buf_add(out, (char *)u, n);
					s = end + 1;
				} else {
					buf_addc(out, ' ');
					s++;
				}
				continue;
			}
			for (semi = s + 1; isalnum((unsigned char)*semi) &&
			    semi - s < 32; semi++)
				;
			if (*semi != ';' || semi == s + 1) {
				buf_addc(out, '&');	/* a bare ampersand */
				s++;
				continue;
			}
			n = semi - s - 1;
			size_t	 k;
			for (k = 0; k < sizeof(ents) / sizeof(ents[0]); k++)
				if (strlen(ents[k].name) == n &&
				    strncmp(s + 1, ents[k].name, n) == 0)
					break;
			if (k == sizeof(ents) / sizeof(ents[0])) {
				out->len = start;
				return -1;
			}
			buf_adds(out, ents[k].text);
			s = semi + 1;
		}
	}
	return 0;
}

static void
tag_field(struct tagger *tg, int field, const char *s, bool html)
{
	struct words	*w = &tg->words[field];

	words_clear(w);
	if (s == NULL)
		return;
	if (html && strpbrk(s, "<&") != NULL) {
		buf_reset(&tg->html);
		if (tag_html_quick(&tg->html, s) == -1)
			tag_html_parse(&tg->html, s);
		words_split(w, tg->html.s == NULL ? "" : tg->html.s,
		    tg->html.len);
	} else
		words_split(w, s, strlen(s));
	for (size_t i = 0; i < w->n; i++)
		tag_walk(tg, w, field, i, i, 0);
}

/*
 * Groups the occurrences by topic, keeping their order within a topic
 * (field, then position), so that vetoes, overlaps and explanations look
 * only at their own topic's few occurrences: a word like "migration" is
 * context for many topics and occurs once per topic.
 */
static void
tag_group(struct tagger *tg)
{
	size_t	 ng = 0, off = 0;

	for (size_t i = 0; i < tg->nm; i++) {
		uint32_t	 t = tg->m[i].topic;

		if (tg->gstamp[t] != tg->gen) {
			tg->gstamp[t] = tg->gen;
			tg->gcount[t] = 0;
			tg->tbits[t / 64] |= (uint64_t)1 << (t % 64);
		}
		tg->gcount[t]++;
	}
	/* The topics that occur, in topic order, from the bitmap. */
	for (size_t k = 0; k < (tg->ntopics + 63) / 64; k++)
		while (tg->tbits[k] != 0) {
			int	 b = __builtin_ctzll(tg->tbits[k]);

			tg->glist[ng++] = k * 64 + (size_t)b;
			tg->tbits[k] &= tg->tbits[k] - 1;
		}
	for (size_t i = 0; i < ng; i++) {
		tg->gstart[tg->glist[i]] = off;
		off += tg->gcount[tg->glist[i]];
	}
	tg->nglist = ng;
	if (tg->m2cap < tg->mcap) {
		tg->m2cap = tg->mcap;
		tg->m2 = xreallocarray(tg->m2, tg->m2cap, sizeof(*tg->m2));
	}
	for (size_t i = 0; i < ng; i++)
		tg->gcount[tg->glist[i]] = 0;
	for (size_t i = 0; i < tg->nm; i++) {
		uint32_t	 t = tg->m[i].topic;

		tg->m2[tg->gstart[t] + tg->gcount[t]++] = tg->m[i];
	}
	struct tag_match	*x = tg->m;

	tg->m = tg->m2;
	tg->m2 = x;
}

/* Whether occurrence a outweighs b, which it overlaps: the heavier
 * phrase, then the longer, then the earlier. */
static bool
tag_beats(const struct tagger *tg, const struct tag_match *a,
    const struct tag_match *b)
{
	double	 wa = tg->phrases[a->phrase].weight;
	double	 wb = tg->phrases[b->phrase].weight;

	if (wa != wb)
		return wa > wb;
	if (a->last - a->first != b->last - b->first)
		return a->last - a->first > b->last - b->first;
	return a < b;
}

static bool
tag_overlap(const struct tag_match *a, const struct tag_match *b)
{
	return a->field == b->field && a->first <= b->last &&
	    b->first <= a->last;
}

/*
 * Within the occurrences [m, m + n) of one topic: a veto cancels the
 * phrase occurrences it overlaps, a "!" veto the topic; then one stretch
 * of text is one piece of evidence: of overlapping phrase occurrences
 * only the one that outweighs the others counts ("registering asylum
 * applications" is not both "registering asylum" and "asylum
 * application*"), and context inside a counted phrase does not count.
 * Returns false when the topic is vetoed.
 */
static bool
tag_settle(struct tagger *tg, struct tag_match *m, size_t n)
{
	size_t	 i, j;

	/* Occurrences are in (field, first word) order, and phrases are at
	 * most TAG_MAXWORDS long: overlaps lie within a small window. */
	for (i = 0; i < n; i++) {
		if (!(m[i].kind & TAG_MVETO))
			continue;
		if (m[i].kind & TAG_MGLOBAL)
			return false;
		for (j = i; j > 0 && m[j - 1].field == m[i].field &&
		    m[j - 1].first + TAG_MAXWORDS > m[i].first; j--)
			;
		for (; j < n && m[j].field == m[i].field &&
		    m[j].first <= m[i].last; j++)
			if (!(m[j].kind & TAG_MVETO) &&
			    tag_overlap(&m[i], &m[j]))
				m[j].cancelled = true;
	}
	for (i = 0; i < n; i++) {
		if (m[i].kind != 0 || m[i].cancelled)
			continue;
		for (j = i; j > 0 && m[j - 1].field == m[i].field &&
		    m[j - 1].first + TAG_MAXWORDS > m[i].first; j--)
			;
		for (; j < n && m[j].field == m[i].field &&
		    m[j].first <= m[i].last; j++)
			if (j != i && m[j].kind == 0 && !m[j].cancelled &&
			    tag_overlap(&m[i], &m[j]) &&
			    tag_beats(tg, &m[j], &m[i])) {
				m[i].shadowed = true;
				break;
			}
	}
	for (i = 0; i < n; i++)
		if (m[i].shadowed)
			m[i].cancelled = true;
	/* Nor is context inside a phrase that counts ("migratory" in
	 * "migratory routes") independent of it. */
	for (i = 0; i < n; i++) {
		if (m[i].kind != 0 || m[i].cancelled)
			continue;
		for (j = i; j > 0 && m[j - 1].field == m[i].field &&
		    m[j - 1].first + TAG_MAXWORDS > m[i].first; j--)
			;
		for (; j < n && m[j].field == m[i].field &&
		    m[j].first <= m[i].last; j++)
			if (m[j].kind == TAG_MCONTEXT &&
			    tag_overlap(&m[i], &m[j]))
				m[j].cancelled = true;
	}
	return true;
}

/* Whether the kinds of phrase that fired can tag (tag.h). */
static bool
tag_enough(uint8_t kinds, bool hasctx)
{
	if (kinds & TAG_KSTRONG)
		return true;
	if ((kinds & TAG_KWEAK) == 0)
		return false;
	return !hasctx || (kinds & TAG_KCONTEXT);
}

/*
 * The score of the topic whose settled occurrences are [m, m + n), and
 * the kinds of phrase that counted. Each phrase's occurrences add their
 * field factors, capped; context phrases together are capped too.
 */
static double
tag_score(struct tagger *tg, const struct tag_match *m, size_t n,
    uint8_t *kinds)
{
	double	 score = 0, ctx = 0;

	*kinds = 0;
	tg->ntouched = 0;
	for (size_t i = 0; i < n; i++) {
		double	 f;

		if (m[i].cancelled || (m[i].kind & TAG_MVETO))
			continue;
		if (m[i].field == TAG_FTITLE)
			f = TAG_TITLE;
		else
			f = m[i].first < TAG_LEAD ? 1.0 : TAG_DEEP;
		if (tg->pstamp[m[i].phrase] != tg->gen) {
			tg->pstamp[m[i].phrase] = tg->gen;
			tg->pacc[m[i].phrase] = 0;
			tg->pfields[m[i].phrase] = 0;
			tg->touched[tg->ntouched++] = m[i].phrase;
		}
		tg->pacc[m[i].phrase] += f;
		tg->pfields[m[i].phrase] |= 1 << m[i].field;
	}
	for (size_t i = 0; i < tg->ntouched; i++) {
		const struct tag_phrase	*p = &tg->phrases[tg->touched[i]];
		double			 acc = tg->pacc[tg->touched[i]];

		acc = p->weight * (acc < TAG_CAP ? acc : TAG_CAP);
		if (p->context) {
			ctx += acc;
			*kinds |= TAG_KCONTEXT;
		} else {
			score += acc;
			*kinds |= p->weight >= 1.0 ? TAG_KSTRONG : TAG_KWEAK;
		}
	}
	return score + (ctx < TAG_CTXCAP ? ctx : TAG_CTXCAP);
}

static void
tag_why_add(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

/* The phrases of a topic that counted, with their fields, into tg->why,
 * NUL-terminated. */
static void
tag_explain(struct tagger *tg, const struct tag_match *m, size_t n)
{
	bool	 first = true;

	for (size_t i = 0; i < n; i++) {
		int	 nf = 0;

		if ((m[i].kind & TAG_MVETO) || m[i].cancelled ||
		    tg->pshown[m[i].phrase] == tg->gen)
			continue;
		tg->pshown[m[i].phrase] = tg->gen;
		if (!first)
			tag_why_add(&tg->why, ", ");
		first = false;
		buf_add(&tg->why, tg->phrases[m[i].phrase].text,
		    tg->phrases[m[i].phrase].len);
		tag_why_add(&tg->why, " (");
		for (int f = 0; f < TAG_NFIELDS; f++)
			if (tg->pfields[m[i].phrase] & (1 << f)) {
				if (nf++ > 0)
					tag_why_add(&tg->why, ", ");
				tag_why_add(&tg->why, tag_field_names[f]);
			}
		buf_addc(&tg->why, ')');
	}
	buf_add(&tg->why, "", 1);	/* keep the NUL between strings */
}

size_t
tag_doc(struct tagger *tg, const struct tag_doc *doc, int flags,
    const struct tag_hit **hitsp)
{
	size_t	 nhits = 0;

	if (++tg->gen == 0) {
		/* Stamps wrapped: start them afresh. */
		memset(tg->pstamp, 0, tg->nphrases * sizeof(*tg->pstamp));
		memset(tg->pshown, 0, tg->nphrases * sizeof(*tg->pshown));
		memset(tg->gstamp, 0, tg->ntopics * sizeof(*tg->gstamp));
		tg->gen = 1;
	}
	tg->nm = 0;
	tag_field(tg, TAG_FTITLE, doc->title, doc->title_html);
	tag_field(tg, TAG_FSUMMARY, doc->summary, doc->summary_html);
	tag_field(tg, TAG_FCONTENT, doc->content, doc->content_html);
	tag_group(tg);

	buf_reset(&tg->why);
	for (size_t g = 0; g < tg->nglist; g++) {
		size_t			 t = tg->glist[g];
		struct tag_match	*m = tg->m + tg->gstart[t];
		size_t			 n = tg->gcount[t];
		double			 score;
		uint8_t			 kinds;

		if (!tag_settle(tg, m, n))
			continue;
		score = tag_score(tg, m, n, &kinds);
		/* A little slack for sums like 0.5 + 0.5 in binary. */
		if (score < TAG_THRESHOLD - 1e-9 ||
		    !tag_enough(kinds, tg->hasctx[t]))
			continue;
		tg->hits[nhits].topic = t;
		tg->hits[nhits].id = tg->ids[t];
		tg->hits[nhits].score = score;
		tg->hits[nhits].why = NULL;
		if (flags & TAG_EXPLAIN) {
			tg->whyoff[nhits] = tg->why.len;
			tag_explain(tg, m, n);
		}
		nhits++;
	}
	if (flags & TAG_EXPLAIN)
		for (size_t i = 0; i < nhits; i++)
			tg->hits[i].why = tg->why.s + tg->whyoff[i];
	*hitsp = tg->hits;
	return nhits;
}

size_t
tag_entry(struct tagger *tg, struct feed *f, struct entry *e)
{
	struct tag_doc		 doc = { 0 };
	const struct tag_hit	*hits;
	size_t			 n;

	doc.title = e->title;
	doc.title_html = e->title_type != TEXT_PLAIN;
	doc.summary = e->summary;
	doc.summary_html = e->summary_type != TEXT_PLAIN;
	doc.content = e->content;
	doc.content_html = e->content_type != TEXT_PLAIN;
	n = tag_doc(tg, &doc, TAG_EXPLAIN, &hits);
	e->ntopics = 0;
	for (size_t i = 0; i < n; i++) {
		struct entry_topic	*et = feed_add_topic(e);

		et->id = feed_strdup(f, hits[i].id);
		et->score = hits[i].score;
		et->why = feed_strdup(f, hits[i].why);
	}
	return n;
}

size_t
tag_feed(struct tagger *tg, struct feed *f)
{
	size_t	 n = 0;

	for (size_t i = 0; i < f->nentries; i++)
		if (tag_entry(tg, f, &f->entries[i]) > 0)
			n++;
	return n;
}
