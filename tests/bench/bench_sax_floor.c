/*
 * What a parser on libxml2's SAX2 push interface would cost, beside the
 * xmlTextReader one we have: the body pushed in 64 KB chunks, entities
 * not substituted, every element's text and every attribute value kept
 * (copied into 2 MB blocks, as the feed's arena does), nothing else. A
 * floor for a SAX-driven parse_feed(), to compare with bench_parse and
 * xmllint --stream on the same file (tests/bench/parse_pairs.py style).
 * Not a test, not a parser: prints elements and bytes kept.
 *   bench_sax_floor FILE
 */

#include <sys/mman.h>
#include <sys/stat.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/SAX2.h>

#include "xmalloc.h"

#define FLOOR_BLOCK	(2 * 1024 * 1024)
#define FLOOR_CHUNK	(64 * 1024)

struct floor {
	char	*text;		/* the current element's text */
	size_t	 len, cap;
	char	*block;		/* where kept strings go, the latest */
	size_t	 used;
	size_t	 elements, kept;
};

static void
floor_keep(struct floor *fl, const char *s, size_t n)
{
	char	*b;

	if (fl->block == NULL || fl->used + n + 1 > FLOOR_BLOCK) {
		/* A block starts with a pointer to the one before. */
		b = xmalloc(sizeof(b) + (n + 1 > FLOOR_BLOCK ? n + 1 :
		    FLOOR_BLOCK));
		memcpy(b, &fl->block, sizeof(fl->block));
		fl->block = b;
		fl->used = sizeof(b);
	}
	memcpy(fl->block + fl->used, s, n);
	fl->block[fl->used + n] = '\0';
	fl->used += n + 1;
	fl->kept += n;
}

static void
floor_start(void *ctx, const xmlChar *local, const xmlChar *prefix,
    const xmlChar *uri, int nns, const xmlChar **ns, int nattrs,
    int ndefaulted, const xmlChar **attrs)
{
	struct floor	*fl = ctx;

	(void)local;
	(void)prefix;
	(void)uri;
	(void)nns;
	(void)ns;
	(void)ndefaulted;
	/* Five pointers an attribute: name, prefix, URI, value, its end. */
	for (int i = 0; i < nattrs; i++)
		floor_keep(fl, (const char *)attrs[i * 5 + 3],
		    attrs[i * 5 + 4] - attrs[i * 5 + 3]);
	fl->elements++;
	fl->len = 0;
}

static void
floor_end(void *ctx, const xmlChar *local, const xmlChar *prefix,
    const xmlChar *uri)
{
	struct floor	*fl = ctx;

	(void)local;
	(void)prefix;
	(void)uri;
	if (fl->len > 0)
		floor_keep(fl, fl->text, fl->len);
	fl->len = 0;
}

static void
floor_chars(void *ctx, const xmlChar *s, int n)
{
	struct floor	*fl = ctx;

	if (fl->len + n > fl->cap) {
		fl->cap = (fl->len + n) * 2;
		fl->text = xrealloc(fl->text, fl->cap);
	}
	memcpy(fl->text + fl->len, s, n);
	fl->len += n;
}

int
main(int argc, char *argv[])
{
	xmlSAXHandler		 sax;
	xmlParserCtxtPtr	 ctxt;
	struct floor		 fl = { 0 };
	struct stat		 sb;
	char			*buf;
	size_t			 off, n;
	int			 fd;

	if (argc != 2 || (fd = open(argv[1], O_RDONLY)) == -1 ||
	    fstat(fd, &sb) == -1 || sb.st_size < 4) {
		fprintf(stderr, "usage: bench_sax_floor FILE\n");
		return 2;
	}
	buf = mmap(NULL, sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (buf == MAP_FAILED)
		return 3;
	memset(&sax, 0, sizeof(sax));
	sax.initialized = XML_SAX2_MAGIC;
	sax.startElementNs = floor_start;
	sax.endElementNs = floor_end;
	sax.characters = floor_chars;
	sax.cdataBlock = floor_chars;
	ctxt = xmlCreatePushParserCtxt(&sax, &fl, buf, 4, argv[1]);
	if (ctxt == NULL)
		return 3;
	xmlCtxtUseOptions(ctxt, XML_PARSE_RECOVER | XML_PARSE_NONET |
	    XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	for (off = 4; off < (size_t)sb.st_size; off += n) {
		n = sb.st_size - off < FLOOR_CHUNK ? sb.st_size - off :
		    FLOOR_CHUNK;
		xmlParseChunk(ctxt, buf + off, (int)n, 0);
	}
	xmlParseChunk(ctxt, NULL, 0, 1);
	printf("%zu elements, %zu bytes kept\n", fl.elements, fl.kept);
	xmlFreeParserCtxt(ctxt);
	while (fl.block != NULL) {
		char	*prev;

		memcpy(&prev, fl.block, sizeof(prev));
		free(fl.block);
		fl.block = prev;
	}
	free(fl.text);
	munmap(buf, sb.st_size);
	close(fd);
	return 0;
}
