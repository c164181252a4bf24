/* ctl_import_nazar.c — nazarctl import nazar FILE: nazar's own export
 * read back whole (import_nazar.h), with its report. The other formats go
 * through the import core (ctl_import.c); this one needs neither a map
 * nor status rules, since the file says everything as nazar stores it. */
#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "ctl.h"
#include "import_nazar.h"

static void
progress(void *arg, int64_t records, uint64_t done, uint64_t total)
{
	ctl_progress_show(arg, records, (int64_t)done, (int64_t)total);
}

static void
put_report(const char *file, const struct import_nazar_report *r)
{
	fputs("nazar ", stdout);
	ctl_put_clean(file, 300, false, NULL);
	fputs(" (site \"", stdout);
	ctl_put_clean(r->site, 100, false, NULL);
	printf("\"): %lld comments read%s\n", (long long)r->records,
	    r->dry_run ? " (dry run: nothing written)" : "");
	int64_t added = ctl_import_put_added(r->dry_run, r->added);
	printf("already there: %lld\n", (long long)r->present);
	if (!r->dry_run) {
		if (r->renumbered > 0)
			printf("under new ids (theirs are taken here): %lld\n",
			    (long long)r->renumbered);
	}
	printf("skipped: %lld", (long long)r->skipped_total);
	const char *sep = " (";
	for (size_t i = 0; i < r->nskipped; i++) {
		printf("%s%s %lld", sep, r->skipped[i].reason, (long long)r->skipped[i].n);
		sep = ", ";
	}
	puts(sep[0] == ',' ? ")" : "");
	if (!r->dry_run)
		printf("replies: %lld; replies without their parent: %lld\n",
		    (long long)r->replies, (long long)r->orphans);
	if (r->users_unknown > 0)
		printf("moderators named in the file but not users here: %lld references (add them "
		    "with nazarctl user add and import again to link them)\n",
		    (long long)r->users_unknown);
	if (r->cut > 0)
		printf("texts cut at %d bytes: %lld\n", IMPORT_NAZAR_BODY_MAX, (long long)r->cut);
	if (added == 0 && r->present > 0)
		printf("nothing new: all %lld comments are already there\n", (long long)r->present);
}

int
ctl_import_nazar(struct ctl *c, const char *file, bool dry_run)
{
	struct actor who;
	struct op_ctx oc;
	if (ctl_begin_change(c, &who, &oc) != 0)
		return CTL_EXIT_FAIL;
	struct ctl_progress p;
	ctl_progress_start(&p, "import", "comments");
	struct import_nazar_report rep;
	char err[1024];
	int rc = import_nazar_run(c->st, file, NULL, 0, dry_run, &who,
	    time(NULL), progress, &p, &rep, err, sizeof(err));
	ctl_progress_end(&p);
	if (rep.records > 0 || rc == 0)
		put_report(file, &rep);
	if (rc != 0) {
		fputs("nazarctl: import nazar: ", stderr);
		ctl_err_clean(err);
		fputs(rep.records > 0 ? "; the comments before it stand (run the import again "
		    "once the file is whole)\n" : "\n", stderr);
		return CTL_EXIT_FAIL;
	}
	if (!rep.complete)
		return ctl_fail("import nazar: the file ends without its end line, or the line "
		    "counts other than what was read: it was cut short. What it held was "
		    "imported; run the import again with the whole file");
	return 0;
}
