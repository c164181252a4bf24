/* privilege.h — giving up root: nazar started by hand as root opens its
 * socket and database, then runs as the configured user.
 *
 * The rule: as root, nazar runs as [server] user; without that key, as the
 * system user "nazar" when it exists; otherwise it refuses to start, so that
 * nobody serves the Internet as root by accident. "user = root" keeps root
 * on purpose. Started as any other user, nazar stays that user and the key
 * is ignored. */
#ifndef NAZAR_PRIVILEGE_H
#define NAZAR_PRIVILEGE_H

#include <stddef.h>
#include <sys/types.h>

/* The default user, used as root when [server] user is not set. */
#define PRIVILEGE_DEFAULT_USER "nazar"

struct privilege {
	int drop;		/* 1: change to uid/gid; 0: stay as we are */
	uid_t uid;
	gid_t gid;
	char name[64];		/* the user's name, for messages */
};

/* Decides whom to run as, for a process whose effective uid is euid and a
 * configured user name (empty: not configured). Returns 0 with *p filled,
 * or -1 with the reason in err (root without a user to run as, an unknown
 * user). */
int privilege_resolve(const char *configured, uid_t euid, struct privilege *p, char *err,
    size_t errlen);

/* Gives the file at path (a unix socket, a new database) to p's user and
 * group; nothing when p->drop is 0. 0, or -1 with the reason in err. */
int privilege_give(const struct privilege *p, const char *path, char *err, size_t errlen);

/* Becomes p's user for good: supplementary groups, gid, uid, then checks
 * that root cannot be had back. Nothing when p->drop is 0. 0, or -1 with
 * the reason in err. */
int privilege_drop(const struct privilege *p, char *err, size_t errlen);

#endif
