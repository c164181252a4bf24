/* import_xml.c — libxml2's streaming reader for the import readers; see
 * import_xml.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/xmlreader.h>

#include "buf.h"
#include "import_xml.h"
#include "utf8.h"

/* Never substitute entities (no XML_PARSE_NOENT), never load or validate
 * a DTD, never touch the network, keep the parser's limits
 * (no XML_PARSE_HUGE); no libxml2 messages on stderr (ours say it). */
#define READER_OPTIONS (XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | \
	XML_PARSE_COMPACT)

/* Position updates every this many nodes. */
#define POSITION_EVERY 256

/* --- the bytes the parser sees --- */

/* Reads the input for libxml2 with every byte that does not start a
 * well-formed UTF-8 sequence, and every character XML 1.0 forbids (C0
 * controls but tab, line feed and carriage return; U+FFFE, U+FFFF), as
 * U+FFFD: an export with a few broken bytes (old WordPress databases have
 * them) loses those bytes, not the rest of the file. A sequence split
 * between two reads is carried over. */
static int
filter_read(void *arg, char *out, int outlen)
{
	struct import_xml *x = arg;
	struct import_xml_filter *f = &x->filter;
	size_t room = outlen > 0 ? (size_t)outlen : 0, n = 0;
	if (room < 4)
		return -1;
	/* Worst case three bytes out for one in. */
	size_t want = room / 3;
	if (want > sizeof(f->in))
		want = sizeof(f->in);
	while (!f->eof && f->inlen < want) {
		size_t got = 0;
		if (x->fd >= 0) {
			ssize_t r = read(x->fd, f->in + f->inlen, want - f->inlen);
			if (r < 0 && errno == EINTR)
				continue;
			if (r < 0)
				return -1;
			got = (size_t)r;
		} else {
			got = f->memlen - f->mempos < want - f->inlen ? f->memlen - f->mempos :
			    want - f->inlen;
			memcpy(f->in + f->inlen, f->mem + f->mempos, got);
			f->mempos += got;
		}
		if (got == 0)
			f->eof = true;
		f->inlen += got;
		x->consumed += got;
	}
	size_t i = 0;
	while (i < f->inlen && n + 4 <= room) {
		uint32_t cp;
		size_t len = utf8_decode(f->in + i, f->inlen - i, &cp);
		if (len == 0 && !f->eof && f->inlen - i < 4)
			break;	/* maybe cut by the read: wait for more */
		bool bad = len == 0 || (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') ||
		    cp == 0xfffe || cp == 0xffff;
		if (bad) {
			memcpy(out + n, "\xef\xbf\xbd", 3);
			n += 3;
			i += len > 0 ? len : 1;
			f->replaced++;
		} else {
			memcpy(out + n, f->in + i, len);
			n += len;
			i += len;
		}
	}
	memmove(f->in, f->in + i, f->inlen - i);
	f->inlen -= i;
	return (int)n;
}

static xmlParserInputPtr
refuse_entity(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
	(void)url;
	(void)id;
	(void)ctxt;
	return NULL;
}

static void
fail(struct import_xml *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
fail(struct import_xml *x, const char *fmt, ...)
{
	if (x->failed)
		return;
	x->failed = true;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(x->err, x->errlen, fmt, ap);
	va_end(ap);
}

/* The parser's first error, with its line. */
static void
on_error(void *arg, xmlErrorPtr e)
{
	struct import_xml *x = arg;
	if (e == NULL || e->level < XML_ERR_ERROR)
		return;
	char msg[300];
	snprintf(msg, sizeof(msg), "%s", e->message ? e->message : "malformed XML");
	size_t n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	for (char *p = msg; *p != '\0'; p++)
		if (*p == '\n')
			*p = ' ';
	bool at_end = e->code == XML_ERR_DOCUMENT_END || e->code == XML_ERR_CDATA_NOT_FINISHED ||
	    e->code == XML_ERR_TAG_NOT_FINISHED || e->code == XML_ERR_DOCUMENT_EMPTY ||
	    e->code == XML_ERR_COMMENT_NOT_FINISHED || e->code == XML_ERR_GT_REQUIRED ||
	    e->code == XML_ERR_LTSLASH_REQUIRED;
	if (strstr(msg, "Huge") != NULL || strstr(msg, "huge") != NULL)
		fail(x, "line %d: a value longer than libxml2's limit (10 MB) is not read: %s",
		    e->line, msg);
	else if (at_end && x->filter.eof && x->filter.inlen == 0)
		fail(x, "line %d: the file ends before the document does (cut short?): %s",
		    e->line, msg);
	else
		fail(x, "line %d: %s", e->line, msg);
}

static int
setup(struct import_xml *x, xmlTextReaderPtr r, const struct import_sink *sink, char *err,
    size_t errlen)
{
	x->reader = r;
	x->sink = sink;
	x->err = err;
	x->errlen = errlen;
	if (r == NULL) {
		fail(x, "the XML reader could not be started");
		return -1;
	}
	xmlTextReaderSetStructuredErrorHandler(r, on_error, x);
	return 0;
}

static void
init(struct import_xml *x, char *err, size_t errlen)
{
	memset(x, 0, sizeof(*x));
	x->fd = -1;
	x->err = err;
	x->errlen = errlen;
	if (errlen > 0)
		err[0] = '\0';
	xmlSetExternalEntityLoader(refuse_entity);
}

int
import_xml_open_file(struct import_xml *x, const char *path, const struct import_sink *sink,
    char *err, size_t errlen)
{
	init(x, err, errlen);
	x->fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat sb;
	if (x->fd < 0 || fstat(x->fd, &sb) != 0) {
		fail(x, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(sb.st_mode)) {
		fail(x, "%s: not a file", path);
		return -1;
	}
	x->total = (uint64_t)sb.st_size;
	return setup(x, xmlReaderForIO(filter_read, NULL, x, NULL, "UTF-8", READER_OPTIONS), sink,
	    err, errlen);
}

int
import_xml_open_memory(struct import_xml *x, const char *data, size_t len,
    const struct import_sink *sink, char *err, size_t errlen)
{
	init(x, err, errlen);
	x->total = len;
	x->filter.mem = data;
	x->filter.memlen = len;
	return setup(x, xmlReaderForIO(filter_read, NULL, x, NULL, "UTF-8", READER_OPTIONS), sink,
	    err, errlen);
}

void
import_xml_close(struct import_xml *x)
{
	if (x->reader != NULL)
		xmlFreeTextReader(x->reader);
	x->reader = NULL;
	if (x->fd >= 0)
		close(x->fd);
	x->fd = -1;
}

static void
position(struct import_xml *x)
{
	if (x->sink == NULL || x->sink->position == NULL || x->quiet ||
	    ++x->nodes % POSITION_EVERY != 0)
		return;
	x->sink->position(x->sink->arg, x->consumed, x->total);
}

/* One node of any kind: 1, 0 at the end, -1 on an error. Refuses what
 * neither export has and only an attack uses. */
static int
step(struct import_xml *x)
{
	if (x->failed)
		return -1;
	int rc = xmlTextReaderRead(x->reader);
	if (rc < 0 || x->failed) {
		fail(x, "line %d: malformed XML",
		    xmlTextReaderGetParserLineNumber(x->reader));
		return -1;
	}
	if (rc == 0) {
		if (x->sink != NULL && x->sink->position != NULL && !x->quiet)
			x->sink->position(x->sink->arg, x->total, x->total);
		return 0;
	}
	position(x);
	int t = xmlTextReaderNodeType(x->reader);
	if (t == XML_READER_TYPE_DOCUMENT_TYPE) {
		fail(x, "line %d: a DOCTYPE (with its entities) is not read: no export has one",
		    xmlTextReaderGetParserLineNumber(x->reader));
		return -1;
	}
	if (t == XML_READER_TYPE_ENTITY_REFERENCE || t == XML_READER_TYPE_ENTITY) {
		fail(x, "line %d: an entity reference is not read",
		    xmlTextReaderGetParserLineNumber(x->reader));
		return -1;
	}
	return 1;
}

static void
note_element(struct import_xml *x, int t)
{
	x->type = t == XML_READER_TYPE_ELEMENT ? IMPORT_XML_START : IMPORT_XML_END;
	x->depth = xmlTextReaderDepth(x->reader);
	const xmlChar *n = xmlTextReaderConstLocalName(x->reader);
	const xmlChar *ns = xmlTextReaderConstNamespaceUri(x->reader);
	x->name = n != NULL ? (const char *)n : "";
	x->ns = ns != NULL ? (const char *)ns : "";
	x->empty = t == XML_READER_TYPE_ELEMENT && xmlTextReaderIsEmptyElement(x->reader) == 1;
}

int
import_xml_next(struct import_xml *x)
{
	for (;;) {
		int rc = step(x);
		if (rc <= 0)
			return rc;
		int t = xmlTextReaderNodeType(x->reader);
		if (t == XML_READER_TYPE_ELEMENT || t == XML_READER_TYPE_END_ELEMENT) {
			note_element(x, t);
			return 1;
		}
	}
}

int
import_xml_text(struct import_xml *x, struct buf *out)
{
	buf_reset(out);
	if (x->type != IMPORT_XML_START || x->empty)
		return 0;
	int depth = x->depth;
	for (;;) {
		int rc = step(x);
		if (rc <= 0) {
			fail(x, "line %d: the document ends inside <%s>",
			    xmlTextReaderGetParserLineNumber(x->reader), x->name);
			return -1;
		}
		int t = xmlTextReaderNodeType(x->reader);
		if (t == XML_READER_TYPE_END_ELEMENT && xmlTextReaderDepth(x->reader) == depth) {
			note_element(x, t);
			return 0;
		}
		if (t != XML_READER_TYPE_TEXT && t != XML_READER_TYPE_CDATA &&
		    t != XML_READER_TYPE_SIGNIFICANT_WHITESPACE && t != XML_READER_TYPE_WHITESPACE)
			continue;
		const xmlChar *v = xmlTextReaderConstValue(x->reader);
		if (v == NULL)
			continue;
		size_t len = strlen((const char *)v);
		if (out->len + len > IMPORT_XML_TEXT_MAX)
			len = out->len < IMPORT_XML_TEXT_MAX ? IMPORT_XML_TEXT_MAX - out->len : 0;
		buf_append(out, v, len);
	}
}

bool
import_xml_attr(struct import_xml *x, const char *name, const char *ns, struct buf *out)
{
	buf_reset(out);
	xmlChar *v = ns != NULL ?
	    xmlTextReaderGetAttributeNs(x->reader, (const xmlChar *)name, (const xmlChar *)ns) :
	    xmlTextReaderGetAttribute(x->reader, (const xmlChar *)name);
	if (v == NULL)
		return false;
	size_t len = strlen((const char *)v);
	buf_append(out, v, len < IMPORT_ID_MAX + 1 ? len : IMPORT_ID_MAX + 1);
	xmlFree(v);
	return true;
}

bool
import_xml_is(const struct import_xml *x, const char *name, const char *ns_prefix)
{
	return strcmp(x->name, name) == 0 && strncmp(x->ns, ns_prefix, strlen(ns_prefix)) == 0;
}

char *
import_trim(char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	size_t n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' ||
	    s[n - 1] == '\r'))
		s[--n] = '\0';
	return s;
}

const char *
import_field(struct buf *b)
{
	return b->data != NULL ? import_trim(b->data) : "";
}
