/* privilege.c — giving up root (see privilege.h). */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "privilege.h"

/* The user called name: 1 found, 0 none, -1 with err on a lookup error. */
static int
lookup(const char *name, struct privilege *p, char *err, size_t errlen)
{
	struct passwd pw, *found = NULL;
	char buf[4096];
	errno = 0;
	int e = getpwnam_r(name, &pw, buf, sizeof(buf), &found);
	if (found == NULL) {
		if (e != 0 && e != ENOENT && e != ESRCH) {
			snprintf(err, errlen, "cannot look up the user \"%s\": %s", name, strerror(e));
			return -1;
		}
		return 0;
	}
	p->uid = pw.pw_uid;
	p->gid = pw.pw_gid;
	snprintf(p->name, sizeof(p->name), "%s", pw.pw_name);
	return 1;
}

int
privilege_resolve(const char *configured, uid_t euid, struct privilege *p, char *err,
    size_t errlen)
{
	memset(p, 0, sizeof(*p));
	if (errlen > 0)
		err[0] = '\0';
	if (euid != 0)
		return 0;
	const char *name = configured != NULL && configured[0] != '\0' ? configured :
	    PRIVILEGE_DEFAULT_USER;
	int found = lookup(name, p, err, errlen);
	if (found < 0)
		return -1;
	if (found == 0) {
		if (configured != NULL && configured[0] != '\0')
			snprintf(err, errlen, "[server] user: there is no user \"%s\"", name);
		else
			snprintf(err, errlen, "started as root, and there is no user to run as: "
			    "create the system user \"%s\" (adduser --system --group %s) or set "
			    "[server] user (\"user = root\" keeps root, which is not recommended)",
			    PRIVILEGE_DEFAULT_USER, PRIVILEGE_DEFAULT_USER);
		return -1;
	}
	p->drop = p->uid != 0;
	return 0;
}

int
privilege_give(const struct privilege *p, const char *path, char *err, size_t errlen)
{
	if (!p->drop)
		return 0;
	if (lchown(path, p->uid, p->gid) != 0) {
		snprintf(err, errlen, "%s: cannot give it to the user %s: %s", path, p->name,
		    strerror(errno));
		return -1;
	}
	return 0;
}

int
privilege_drop(const struct privilege *p, char *err, size_t errlen)
{
	if (!p->drop)
		return 0;
	if (initgroups(p->name, p->gid) != 0 || setgid(p->gid) != 0 || setuid(p->uid) != 0) {
		snprintf(err, errlen, "cannot run as the user %s: %s", p->name, strerror(errno));
		return -1;
	}
	if (setuid(0) == 0 || geteuid() == 0 || getegid() != p->gid) {
		snprintf(err, errlen, "root could be had back after changing to the user %s",
		    p->name);
		return -1;
	}
	return 0;
}
