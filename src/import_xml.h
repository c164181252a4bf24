/* import_xml.h — what the XML readers (import_wxr.c, import_disqus.c)
 * share: libxml2's streaming reader (xmlTextReader) opened safely, and
 * element text gathered with a bound.
 *
 * Safety: no network (XML_PARSE_NONET), no entity substitution, no DTD
 * loading or validation, libxml2's default limits (XML_PARSE_HUGE off),
 * an external entity loader that refuses everything, and a document with
 * a DOCTYPE refused as soon as it is met (neither export has one; a
 * billion-laughs or external-entity file does), before any entity
 * reference in the content is read. Bytes that are not UTF-8 and
 * characters XML forbids reach the parser as U+FFFD (the text is read as
 * UTF-8 whatever the declaration says: both exports are UTF-8). Memory stays constant: the reader
 * frees each node once it is passed, and text is gathered in buffers the
 * reader reuses. */
#ifndef NAZAR_IMPORT_XML_H
#define NAZAR_IMPORT_XML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "import.h"

/* Bytes of one element's text kept (the rest is read and dropped). */
#define IMPORT_XML_TEXT_MAX (4 * IMPORT_BODY_MAX)

/* The input as the parser reads it (import_xml.c's filter_read). */
struct import_xml_filter {
	const char *mem;	/* from memory: the data */
	size_t memlen, mempos;
	unsigned char in[64 * 1024];
	size_t inlen;
	bool eof;
	uint64_t replaced;	/* bytes or characters replaced by U+FFFD */
};

struct import_xml {
	void *reader;		/* xmlTextReaderPtr */
	int fd;			/* -1: from memory */
	uint64_t total;		/* bytes of the input */
	uint64_t consumed;	/* bytes of it read so far */
	struct import_xml_filter filter;
	const struct import_sink *sink;
	char *err;
	size_t errlen;
	bool failed;		/* err is set */
	/* The node the last import_xml_next stopped at. */
	int type;		/* IMPORT_XML_START, _END, or 0 for others */
	int depth;
	const char *name;	/* local name */
	const char *ns;		/* namespace URI, "" for none */
	bool empty;		/* <x/> */
	uint64_t nodes;		/* for position updates */
	bool quiet;		/* no position updates (a second pass) */
};

#define IMPORT_XML_START 1
#define IMPORT_XML_END 2

/* Opens path (a local file, never a URL) or data[0..len); -1 with err. */
int import_xml_open_file(struct import_xml *x, const char *path, const struct import_sink *sink,
    char *err, size_t errlen);
int import_xml_open_memory(struct import_xml *x, const char *data, size_t len,
    const struct import_sink *sink, char *err, size_t errlen);
void import_xml_close(struct import_xml *x);

/* Moves to the next element start or end: 1, 0 at the end of the
 * document, -1 on an error (err set: the parser's message and line, or a
 * DOCTYPE or entity reference refused). */
int import_xml_next(struct import_xml *x);
/* At an element start: its text (text and CDATA of it and of anything in
 * it, in order) into out, cleared first, up to the element's end, which
 * is consumed. 0 or -1. Leading and trailing white space is kept; the
 * readers trim what they compare. */
int import_xml_text(struct import_xml *x, struct buf *out);
/* At an element start: an attribute by local name and namespace (NULL:
 * none) into out (cleared); false when absent. */
bool import_xml_attr(struct import_xml *x, const char *name, const char *ns, struct buf *out);
/* Whether the current element is local name in a namespace that starts
 * with ns_prefix ("" for any). */
bool import_xml_is(const struct import_xml *x, const char *name, const char *ns_prefix);

/* s without white space at both ends, in place. */
char *import_trim(char *s);
/* The text in b, trimmed in place; "" when there is none. */
const char *import_field(struct buf *b);

#endif
