/* test_privilege.c — whom nazar runs as when started as root (the rule of
 * privilege.h), changing to that user for good, giving it a file; and the
 * socket systemd hands over (LISTEN_PID, LISTEN_FDS) or fd 0. The parts that
 * need root are skipped without it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <cmocka.h>

#include "privilege.h"
#include "server.h"

static void
test_not_root_stays(void **state)
{
	(void)state;
	struct privilege p;
	char err[512];
	assert_int_equal(privilege_resolve("", 1000, &p, err, sizeof(err)), 0);
	assert_int_equal(p.drop, 0);
	/* Not root: even a user that does not exist is no concern. */
	assert_int_equal(privilege_resolve("no-such-user-nazar", 1000, &p, err, sizeof(err)), 0);
	assert_int_equal(p.drop, 0);
	assert_int_equal(privilege_drop(&p, err, sizeof(err)), 0);
	assert_int_equal(privilege_give(&p, "/nonexistent", err, sizeof(err)), 0);
}

static void
test_root_configured(void **state)
{
	(void)state;
	struct privilege p;
	char err[512];
	assert_int_equal(privilege_resolve("root", 0, &p, err, sizeof(err)), 0);
	assert_int_equal(p.drop, 0);
	assert_int_equal(privilege_resolve("nobody", 0, &p, err, sizeof(err)), 0);
	assert_int_equal(p.drop, 1);
	struct passwd *pw = getpwnam("nobody");
	assert_non_null(pw);
	assert_int_equal(p.uid, pw->pw_uid);
	assert_int_equal(p.gid, pw->pw_gid);
	assert_string_equal(p.name, "nobody");
}

static void
test_root_unknown_user(void **state)
{
	(void)state;
	struct privilege p;
	char err[512];
	assert_int_equal(privilege_resolve("no-such-user-nazar", 0, &p, err, sizeof(err)), -1);
	assert_string_equal(err, "[server] user: there is no user \"no-such-user-nazar\"");
}

/* Without the key: the user nazar if there is one, else a refusal that
 * says what to do. */
static void
test_root_default(void **state)
{
	(void)state;
	struct privilege p;
	char err[512];
	int r = privilege_resolve("", 0, &p, err, sizeof(err));
	if (getpwnam(PRIVILEGE_DEFAULT_USER) != NULL) {
		assert_int_equal(r, 0);
		assert_int_equal(p.drop, 1);
		assert_string_equal(p.name, PRIVILEGE_DEFAULT_USER);
	} else {
		assert_int_equal(r, -1);
		assert_non_null(strstr(err, "started as root, and there is no user to run as"));
		assert_non_null(strstr(err, "[server] user"));
	}
}

/* As root, in a child: the file goes to nobody, then the child becomes
 * nobody and cannot become root again. */
static void
test_drop(void **state)
{
	(void)state;
	if (geteuid() != 0)
		skip();
	char dir[] = "/tmp/nazar-test-priv.XXXXXX";
	assert_non_null(mkdtemp(dir));
	char file[64];
	snprintf(file, sizeof(file), "%s/f", dir);
	FILE *f = fopen(file, "w");
	assert_non_null(f);
	fclose(f);
	struct privilege p;
	char err[512];
	assert_int_equal(privilege_resolve("nobody", 0, &p, err, sizeof(err)), 0);
	assert_int_equal(privilege_give(&p, file, err, sizeof(err)), 0);
	struct stat st;
	assert_int_equal(stat(file, &st), 0);
	assert_int_equal(st.st_uid, p.uid);
	assert_int_equal(st.st_gid, p.gid);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int ok = privilege_drop(&p, err, sizeof(err)) == 0 && getuid() == p.uid &&
		    geteuid() == p.uid && getgid() == p.gid && setuid(0) != 0 &&
		    setgid(0) != 0;
		_exit(ok ? 0 : 1);
	}
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	unlink(file);
	rmdir(dir);
	assert_int_equal(privilege_give(&p, file, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "cannot give it to the user nobody"));
}

/* A listening unix socket on fd `at`. */
static int
listener_at(int at, char *path, size_t pathlen)
{
	snprintf(path, pathlen, "/tmp/nazar-test-priv-%d.sock", (int)getpid());
	unlink(path);
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	if (s < 0 || bind(s, (struct sockaddr *)&sun, sizeof(sun)) != 0 || listen(s, 4) != 0)
		return -1;
	if (s != at) {
		if (dup2(s, at) < 0)
			return -1;
		close(s);
	}
	return at;
}

static void
test_systemd_socket(void **state)
{
	(void)state;
	char path[108], pid[32];
	int saved = dup(3);	/* fd 3 may be taken by the test harness */
	assert_int_equal(listener_at(3, path, sizeof(path)), 3);
	/* Another process's sockets are not ours. */
	setenv("LISTEN_PID", "1", 1);
	setenv("LISTEN_FDS", "1", 1);
	assert_int_equal(server_systemd_listener(), -1);
	assert_null(getenv("LISTEN_FDS"));
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	setenv("LISTEN_PID", pid, 1);
	setenv("LISTEN_FDS", "x", 1);
	assert_int_equal(server_systemd_listener(), -1);
	setenv("LISTEN_PID", pid, 1);
	setenv("LISTEN_FDS", "1", 1);
	setenv("LISTEN_FDNAMES", "nazar", 1);
	assert_int_equal(server_systemd_listener(), 3);
	/* Cleared, so that a child does not take them for its own. */
	assert_null(getenv("LISTEN_PID"));
	assert_null(getenv("LISTEN_FDS"));
	assert_null(getenv("LISTEN_FDNAMES"));
	assert_int_equal(server_systemd_listener(), -1);
	close(3);
	unlink(path);
	if (saved >= 0) {
		dup2(saved, 3);
		close(saved);
	}
}

static void
test_fd0_socket(void **state)
{
	(void)state;
	char path[108];
	int saved = dup(0);
	assert_true(saved >= 0);
	assert_int_equal(listener_at(0, path, sizeof(path)), 0);
	assert_true(server_fd0_is_listener());
	dup2(saved, 0);
	close(saved);
	unlink(path);
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	saved = dup(0);
	dup2(fds[0], 0);
	assert_false(server_fd0_is_listener());
	dup2(saved, 0);
	close(saved);
	close(fds[0]);
	close(fds[1]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_not_root_stays),
		cmocka_unit_test(test_root_configured),
		cmocka_unit_test(test_root_unknown_user),
		cmocka_unit_test(test_root_default),
		cmocka_unit_test(test_drop),
		cmocka_unit_test(test_systemd_socket),
		cmocka_unit_test(test_fd0_socket),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
