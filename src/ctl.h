/* ctl.h — the shared core of nazarctl: the configuration and the database
 * a command works on, its option and argument helpers, the output helpers
 * that keep hostile text off the operator's terminal, the exit codes, and
 * the actor a change is recorded under (--as NAME, or the Unix user).
 *
 * Each noun (comment, user, block, audit) lives in its own ctl_NOUN.c and
 * gives nazarctl.c its table of verbs. Changes go through the operations
 * (op.h), so that the command line follows the same rules and leaves the
 * same audit trail as the web. */
#ifndef NAZAR_CTL_H
#define NAZAR_CTL_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "config.h"
#include "op.h"
#include "store.h"

/* Exit codes: 0 done, 1 refused or failed, 2 wrong command line. */
#define CTL_EXIT_FAIL 1
#define CTL_EXIT_USAGE 2
/* --version named a version the comment no longer has: nothing changed. */
#define CTL_EXIT_CONFLICT 3

#define CTL_LIST_DEFAULT_LIMIT 100
#define CTL_LIST_MAX_LIMIT 1000000

/* The value getopt_long returns for --as, the same in every verb. */
#define CTL_OPT_AS 0x100
#define CTL_OPTION_AS { "as", required_argument, NULL, CTL_OPT_AS }

/* Everything a command needs; commands are (noun, verb) pairs. */
struct ctl {
	const char *config_path;
	struct config cfg;
	bool cfg_loaded;
	struct store *st;
	struct arena *a;
	const char *as;		/* --as NAME; NULL: the Unix user */
};

struct ctl_command {
	const char *name;
	int (*run)(struct ctl *c, int argc, char **argv);
};

/* The verbs of each noun, for nazarctl.c's table. */
extern const struct ctl_command ctl_comment_commands[];
extern const size_t ctl_comment_ncommands;
extern const struct ctl_command ctl_user_commands[];
extern const size_t ctl_user_ncommands;
extern const struct ctl_command ctl_block_commands[];
extern const size_t ctl_block_ncommands;
extern const struct ctl_command ctl_mail_commands[];
extern const size_t ctl_mail_ncommands;
int ctl_audit(struct ctl *c, int argc, char **argv);
/* import: a top-level command (ctl_import.c). */
extern const struct ctl_command ctl_import_commands[];
extern const size_t ctl_import_ncommands;
/* backup, restore and check: top-level commands (ctl_backup.c). */
extern const struct ctl_command ctl_backup_commands[];
extern const size_t ctl_backup_ncommands;
/* export: a top-level command (ctl_export.c). */
extern const struct ctl_command ctl_export_commands[];
extern const size_t ctl_export_ncommands;
/* import nazar FILE [--dry-run] (ctl_import_nazar.c), called by import. */
int ctl_import_nazar(struct ctl *c, const char *file, bool dry_run);
/* An import's "added: N (approved N, pending N)" line ("would add" in a
 * dry run); added[] by comment status. Returns N. For both import
 * reports (ctl_import.c, ctl_import_nazar.c). */
int64_t ctl_import_put_added(bool dry_run, const int64_t *added);
extern const struct ctl_command ctl_article_commands[];
extern const size_t ctl_article_ncommands;

/* Runs the verb argv[0] of noun from cmds; usage error when unknown. */
int ctl_dispatch(struct ctl *c, const struct ctl_command *cmds, size_t n, const char *noun,
    int argc, char **argv);

/* "nazarctl: MESSAGE" and a pointer to -h on stderr; returns CTL_EXIT_USAGE. */
int ctl_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The usage error for getopt_long's '?' (argv[0] is the verb). */
int ctl_bad_option(char **argv);
/* "nazarctl: MESSAGE" on stderr; returns CTL_EXIT_FAIL. */
int ctl_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "no user \"NAME\"" on stderr; returns CTL_EXIT_FAIL. */
int ctl_no_user(const char *name);

/* A positive decimal id, through num_parse. 0 or -1. */
int ctl_parse_id(const char *s, int64_t *out);
/* --limit: 1 to CTL_LIST_MAX_LIMIT. 0 or a usage error. */
int ctl_opt_limit(const char *s, int *out);
/* An option that may be given once: value into *slot, or a usage error
 * naming --name. */
int ctl_opt_once(const char **slot, const char *value, const char *name);
/* --as NAME: a user name's characters (auth_username_valid); given once. */
int ctl_set_as(struct ctl *c, const char *name);
/* Reads the options of a change, before or after its arguments ("--"
 * ends them); optind is then at the first argument. opts holds
 * CTL_OPTION_AS, read here; every other option of opts goes to
 * set(arg, its val, its value), which returns 0 or a usage error. 0 or a
 * usage error. */
int ctl_change_options(struct ctl *c, int argc, char **argv, const struct option *opts,
    int (*set)(void *arg, int opt, const char *value), void *arg);
/* The same for a change that takes only --as. */
int ctl_options_as(struct ctl *c, int argc, char **argv);

/* Opens the database for a change and fills the operation context: the
 * store, the arena, the configuration, the time now, and who acts, into
 * *who: user id 0, "NAME (nazarctl)" with NAME from --as or the Unix user
 * running nazarctl, no address. 0, or -1 with a message. */
int ctl_begin_change(struct ctl *c, struct actor *who, struct op_ctx *o);

/* A store result in words, for messages. */
const char *ctl_store_problem(enum store_result r);

/* Writes s with control characters (C0, DEL and C1) shown as spaces so
 * that a hostile name or body cannot move the operator's cursor, rewrite
 * the terminal or break the tab-separated columns. Stops after max code
 * points (0: no limit). keep_newlines lets '\n' through, followed by
 * newline_prefix (for show). */
void ctl_put_clean(const char *s, size_t max, bool keep_newlines, const char *newline_prefix);
/* A listing's field: "-" when empty. */
void ctl_put_field(const char *s);
/* A Unix time as 2026-01-02T03:04:05Z. */
void ctl_put_time(int64_t t);
/* The same as text, in the arena. */
const char *ctl_time_text(struct ctl *c, int64_t t);
/* s on stderr with control characters as '?'. */
void ctl_err_clean(const char *s);

/* Progress of long work (backup, restore, import) on stderr, only when it
 * is a terminal: "WHAT: COUNT UNIT, RATE UNIT/s, N s left", redrawn in
 * place at most five times a second. */
struct ctl_progress {
	const char *what;
	const char *unit;
	struct timespec start;
	double last_shown;
	bool shown;
	bool on;		/* stderr is a terminal */
};
void ctl_progress_start(struct ctl_progress *p, const char *what, const char *unit);
/* count things done so far; done of total (any unit, 0: unknown) for the
 * time left. When count and done are the same, "COUNT/TOTAL UNIT";
 * otherwise the share done in percent. Ends the line once done reaches
 * total. */
void ctl_progress_show(struct ctl_progress *p, int64_t count, int64_t done, int64_t total);
/* Ends the line, when one was shown and not ended. */
void ctl_progress_end(struct ctl_progress *p);

/* Reads the configuration once (after the command line is known to be
 * right, so that a usage error is reported as such even without one). */
int ctl_load_config(struct ctl *c);
/* Opens the database (init: creating its directory first). */
int ctl_open_store(struct ctl *c);
int ctl_make_parent_dirs(const char *path);
/* Opens a database that is at this build's schema; every command but init
 * works only on such. 0, or -1 with a message. */
int ctl_open_current_store(struct ctl *c);

#endif
