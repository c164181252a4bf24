/* import_formats.c — the formats nazarctl import reads (and "nazar",
 * nazar's own export, which ctl_import.c hands to import_nazar.h whole): one row each, its
 * name, the source system stored with every comment it brings (the key,
 * with the comment's id there, that makes a second run add nothing), and
 * its reader. */
#include <stddef.h>
#include <string.h>

#include "import.h"

const struct import_format import_formats[] = {
	{ "wxr", "wxr", import_wxr_read, "a WordPress export (WXR 1.0, 1.1, 1.2)" },
	{ "disqus", "disqus", import_disqus_read, "a Disqus XML export" },
	{ "isso", "isso", import_isso_read, "an Isso database (its comments.db)" },
	{ "remark42", "remark42", import_remark42_read, "a Remark42 backup (JSON lines, gunzipped)" },
	{ "commento", "commento", import_commento_read, "a Commento v1 export (JSON)" },
};
const size_t import_nformats = sizeof(import_formats) / sizeof(import_formats[0]);

const struct import_format *
import_format_find(const char *name)
{
	for (size_t i = 0; i < import_nformats; i++)
		if (strcmp(import_formats[i].name, name) == 0)
			return &import_formats[i];
	return NULL;
}
