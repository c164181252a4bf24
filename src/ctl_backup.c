/* ctl_backup.c — nazarctl backup, restore and check: copies of the
 * database taken while nazar serves, putting one back, and checking a
 * database (store_backup.h). Long work shows its progress on a terminal
 * (pages, rate, time left: ctl_progress) and is quiet otherwise. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ctl.h"
#include "store_backup.h"

/* --- progress --- */

/* The backup API's callback: pages done of total. */
static void
show_progress(void *arg, int64_t done, int64_t total)
{
	ctl_progress_show(arg, done, done, total);
}

/* The progress callback: only when stderr is a terminal. */
static store_progress_fn
progress_for(struct ctl_progress *p, const char *what)
{
	ctl_progress_start(p, what, "pages");
	return p->on ? show_progress : NULL;
}

/* --- backup --- */

/* Backups written by --rotate: nazar-YYYYMMDDTHHMMSSZ.db. */
#define ROTATE_PREFIX "nazar-"
#define ROTATE_SUFFIX ".db"
#define ROTATE_NAME_LEN (sizeof(ROTATE_PREFIX) - 1 + 16 + sizeof(ROTATE_SUFFIX) - 1)

static int
is_rotated_name(const char *name)
{
	if (strlen(name) != ROTATE_NAME_LEN || strncmp(name, ROTATE_PREFIX, 6) != 0 ||
	    strcmp(name + ROTATE_NAME_LEN - 3, ROTATE_SUFFIX) != 0)
		return 0;
	const char *t = name + 6;	/* YYYYMMDDTHHMMSSZ */
	for (int i = 0; i < 16; i++) {
		int want_digit = i != 8 && i != 15;
		if (want_digit ? (t[i] < '0' || t[i] > '9') : t[i] != (i == 8 ? 'T' : 'Z'))
			return 0;
	}
	return 1;
}

/* scandir's filter and order: the rotated backups, oldest first (their
 * names sort by time). */
static int
rotated_entry(const struct dirent *e)
{
	return is_rotated_name(e->d_name);
}

static int
by_entry_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* Removes the oldest rotated backups in dir beyond keep. */
static int
prune(const char *dir, int keep)
{
	struct dirent **list;
	int n = scandir(dir, &list, rotated_entry, by_entry_name);
	if (n < 0)
		return ctl_fail("%s: %s", dir, strerror(errno));
	int status = 0;
	for (int i = 0; i < n; i++) {
		if (i < n - keep) {
			char path[2200];
			snprintf(path, sizeof(path), "%s/%s", dir, list[i]->d_name);
			if (unlink(path) != 0)
				status = ctl_fail("%s: %s", path, strerror(errno));
		}
		free(list[i]);
	}
	free(list);
	return status;
}

static int
backup_to(struct ctl *c, const char *dest)
{
	char err[1024];
	struct ctl_progress p;
	store_progress_fn fn = progress_for(&p, "backup");
	if (store_backup(c->cfg.db_path, dest, c->cfg.busy_timeout_ms, fn, &p, err,
	    sizeof(err)) != STORE_OK)
		return ctl_fail("%s", err);
	return 0;
}

static int
cmd_backup(struct ctl *c, int argc, char **argv)
{
	const char *dir = NULL;
	int rotate = 0;
	if (argc == 2 && strcmp(argv[1], "--rotate") == 0)
		rotate = 1;
	else if (argc == 3 && strcmp(argv[1], "--rotate") == 0) {
		rotate = 1;
		dir = argv[2];
	} else if (argc != 2 || argv[1][0] == '-')
		return ctl_usage_error("usage: backup FILE | backup --rotate [DIR]");
	if (ctl_load_config(c) != 0)
		return CTL_EXIT_FAIL;
	if (!rotate)
		return backup_to(c, argv[1]);
	if (dir == NULL)
		dir = c->cfg.backup_dir;
	if (dir[0] == '\0')
		return ctl_fail("backup --rotate: give a directory, or set [database] backup_dir "
		    "in %s", c->config_path);
	if (strlen(dir) > 1024)
		return ctl_fail("%s: the name is too long", dir);
	/* A directory that is not there is not made: it may be a backup disk
	 * that is not mounted, and the backups would fill the wrong one. */
	struct stat sb;
	const char *why = NULL;
	if (stat(dir, &sb) != 0)
		why = strerror(errno);
	else if (!S_ISDIR(sb.st_mode))
		why = "not a directory";
	if (why != NULL)
		return ctl_fail("backup --rotate: %s: %s (make the directory first, e.g. "
		    "mkdir -m 700 %s)", dir, why, dir);
	char dest[1100], stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	snprintf(dest, sizeof(dest), "%s/" ROTATE_PREFIX "%s" ROTATE_SUFFIX, dir, stamp);
	int status = backup_to(c, dest);
	if (status != 0)
		return status;
	if (isatty(STDOUT_FILENO))
		printf("%s\n", dest);
	return prune(dir, c->cfg.backup_keep);
}

/* --- restore --- */

static int
cmd_restore(struct ctl *c, int argc, char **argv)
{
	if (argc != 2 || argv[1][0] == '-')
		return ctl_usage_error("usage: restore FILE");
	if (ctl_load_config(c) != 0)
		return CTL_EXIT_FAIL;
	char err[1024];
	struct ctl_progress p;
	store_progress_fn fn = progress_for(&p, "restore");
	struct stat before;
	int existed = stat(c->cfg.db_path, &before) == 0;
	enum store_result r = store_restore(argv[1], c->cfg.db_path, c->cfg.busy_timeout_ms, fn,
	    &p, err, sizeof(err));
	if (r != STORE_OK)
		return ctl_fail("%s", err);
	/* A database restored anew by root belongs to whoever owns its
	 * directory (the service's user), as init's would. */
	struct stat dir;
	char parent[sizeof(c->cfg.db_path)];
	snprintf(parent, sizeof(parent), "%s", c->cfg.db_path);
	char *slash = strrchr(parent, '/');
	if (!existed && geteuid() == 0 && slash != NULL) {
		*(slash == parent ? slash + 1 : slash) = '\0';
		if (stat(parent, &dir) == 0 && lchown(c->cfg.db_path, dir.st_uid, dir.st_gid) != 0)
			return ctl_fail("%s: %s", c->cfg.db_path, strerror(errno));
	}
	return 0;
}

/* --- check --- */

static void
put_problem(void *arg, const char *text)
{
	(void)arg;
	ctl_put_clean(text, 0, false, NULL);
	putchar('\n');
}

static int
cmd_check(struct ctl *c, int argc, char **argv)
{
	(void)argv;
	if (argc != 1)
		return ctl_usage_error("check takes no arguments");
	if (ctl_open_current_store(c) != 0)
		return CTL_EXIT_FAIL;
	int64_t problems = 0;
	enum store_result r = store_check(c->st, put_problem, NULL, &problems);
	if (r != STORE_OK)
		return ctl_fail("%s: the check could not run: %s", c->cfg.db_path,
		    ctl_store_problem(r));
	if (problems > 0)
		return ctl_fail("%s: %lld problem%s found", c->cfg.db_path, (long long)problems,
		    problems == 1 ? "" : "s");
	printf("%s: ok\n", c->cfg.db_path);
	return 0;
}

const struct ctl_command ctl_backup_commands[] = {
	{ "backup", cmd_backup },
	{ "restore", cmd_restore },
	{ "check", cmd_check },
};
const size_t ctl_backup_ncommands = sizeof(ctl_backup_commands) / sizeof(ctl_backup_commands[0]);
