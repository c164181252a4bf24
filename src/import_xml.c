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

/* Never substitute entities (no XML_PARSE_NOENT), never load or validate
 * a DTD, never touch the network, keep the parser's limits
 * (no XML_PARSE_HUGE); no libxml2 messages on stderr (ours say it). */
#define READER_OPTIONS (XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | \
	XML_PARSE_COMPACT)

/* Position updates every this many nodes. */
#define POSITION_EVERY 256

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
	return setup(x, xmlReaderForFd(x->fd, NULL, "UTF-8", READER_OPTIONS), sink, err,
	    errlen);
}

int
import_xml_open_memory(struct import_xml *x, const char *data, size_t len,
    const struct import_sink *sink, char *err, size_t errlen)
{
	init(x, err, errlen);
	x->total = len;
	if (len > INT32_MAX) {
		fail(x, "the input is too large");
		return -1;
	}
	return setup(x, xmlReaderForMemory(data, (int)len, NULL, "UTF-8", READER_OPTIONS), sink,
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
	if (x->sink == NULL || x->sink->position == NULL || ++x->nodes % POSITION_EVERY != 0)
		return;
	long consumed = xmlTextReaderByteConsumed(x->reader);
	x->sink->position(x->sink->arg, consumed > 0 ? (uint64_t)consumed : 0, x->total);
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
		if (x->sink != NULL && x->sink->position != NULL)
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
