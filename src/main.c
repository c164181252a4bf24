/* main.c — nazar, the web application: start-up and choice of mode.
 *
 * GATEWAY_INTERFACE set (and fd 0 no socket) → one plain CGI request;
 * otherwise FastCGI on the socket a graceful restart kept (NAZAR_LISTEN_FD),
 * on systemd's socket (LISTEN_FDS), on fd 0 when it is a listening socket
 * (spawn-fcgi, systemd's StandardInput=socket), or on the socket named by -l
 * or the config's listen — served by a child process that a supervising
 * parent re-spawns on the same socket (supervise.h), unless -f asks for a
 * single process. Started as root, nazar opens the socket and the database,
 * then runs as [server] user (privilege.h). */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "app.h"
#include "config.h"
#include "log.h"
#include "privilege.h"
#include "server.h"
#include "supervise.h"

static void
usage(FILE *f)
{
	fprintf(f, "usage: nazar [-c FILE] [-l LISTEN] [-f] [-t]\n"
	    "  -c FILE    configuration file (default: $NAZAR_CONFIG or %s)\n"
	    "  -l LISTEN  unix:/path or host:port, overriding [server] listen\n"
	    "  -f         serve in this process, without a supervising parent\n"
	    "  -t         check the configuration and templates, then exit\n"
	    "  -V         print the version\n", CONFIG_DEFAULT_PATH);
}

/* A child of the supervisor: serves, then frees what it had of the
 * parent's. */
static int
serve(void *arg, int listen_fd)
{
	struct app *app = arg;
	int status = server_run_fastcgi(app, listen_fd);
	app_free(app);
	return status;
}

/* The command line. */
struct options {
	const char *config_path;
	const char *listen_override;
	int check_only, single;
};

/* Reads argv into *o; -1 to go on, else the exit status. */
static int
parse_options(int argc, char **argv, struct options *o)
{
	int opt;
	while ((opt = getopt(argc, argv, "c:l:ftVh")) != -1) {
		switch (opt) {
		case 'c':
			o->config_path = optarg;
			break;
		case 'l':
			o->listen_override = optarg;
			break;
		case 'f':
			o->single = 1;
			break;
		case 't':
			o->check_only = 1;
			break;
		case 'V':
			puts("nazar " PACKAGE_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	return -1;
}

/* The database file, if root made it, and its journal files go to the user
 * nazar will run as; then, as that user, the database and its directory
 * must be writable. 0, or -1 logged. */
static int
give_database(const struct privilege *pv, const char *db)
{
	static const char *const suffixes[] = { "", "-wal", "-shm" };
	char path[1100], err[1200];
	for (size_t i = 0; pv->drop && i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		struct stat st;
		snprintf(path, sizeof(path), "%s%s", db, suffixes[i]);
		if (stat(path, &st) == 0 && st.st_uid == 0 && privilege_give(pv, path, err,
		    sizeof(err)) != 0) {
			log_error("%s", err);
			return -1;
		}
	}
	return 0;
}

/* Becomes the configured user (nothing unless started as root). */
static int
drop_root(const struct privilege *pv, const char *db)
{
	char err[1200];
	if (!pv->drop)
		return 0;
	if (privilege_drop(pv, err, sizeof(err)) != 0) {
		log_error("%s", err);
		return -1;
	}
	char dir[1100];
	snprintf(dir, sizeof(dir), "%s", db);
	char *slash = strrchr(dir, '/');
	if (slash != NULL)
		*(slash == dir ? slash + 1 : slash) = '\0';
	else
		snprintf(dir, sizeof(dir), ".");
	if (access(db, R_OK | W_OK) != 0 || access(dir, W_OK | X_OK) != 0) {
		log_error("%s: the user %s cannot write the database or its directory %s",
		    db, pv->name, dir);
		return -1;
	}
	log_info("running as the user %s", pv->name);
	return 0;
}

/* Serves FastCGI on the socket: kept across a restart, systemd's, fd 0,
 * or our own; under a supervising parent unless -f. */
static int
serve_fastcgi(struct app *app, const struct options *o, int fd, int owned, char **argv,
    const struct privilege *pv)
{
	char err[1024] = "";
	const char *address = o->listen_override ? o->listen_override : app->cfg.listen;
	if (fd < 0 && o->listen_override == NULL && server_fd0_is_listener())
		fd = STDIN_FILENO;
	if (fd < 0) {
		fd = server_listen(address, app->cfg.socket_mode, err, sizeof(err));
		if (fd < 0) {
			log_error("%s", err);
			return 1;
		}
		log_info("listening on %s", address);
		owned = 1;
		if (strncmp(address, "unix:", 5) == 0 && privilege_give(pv, address + 5, err,
		    sizeof(err)) != 0) {
			log_error("%s", err);
			close(fd);
			return 1;
		}
	}
	if (drop_root(pv, app->cfg.db_path) != 0) {
		if (owned)
			close(fd);
		return 1;
	}
	int status = o->single ? server_run_fastcgi(app, fd) : supervise(fd, owned, argv, serve,
	    app);
	if (owned) {
		close(fd);
		if (strncmp(address, "unix:", 5) == 0)
			unlink(address + 5);
	}
	return status;
}

int
main(int argc, char **argv)
{
	struct options o = { 0 };
	int done = parse_options(argc, argv, &o);
	if (done >= 0)
		return done;
	signal(SIGPIPE, SIG_IGN);

	int owned = 0;
	int fd = supervise_inherited_fd(&owned);
	int reloading = fd >= 0;
	if (fd < 0)
		fd = server_systemd_listener();
	int cgi = fd < 0 && getenv("GATEWAY_INTERFACE") != NULL && !server_fd0_is_listener();
	const char *config_path = o.config_path ? o.config_path : config_default_path();

	struct app app;
	struct privilege pv = { 0 };
	char err[1024] = "";
	int status;
	int ok = app_init(&app, config_path, err, sizeof(err)) == 0;
	if (ok && !o.check_only)
		ok = privilege_resolve(app.cfg.user, geteuid(), &pv, err, sizeof(err)) == 0 &&
		    give_database(&pv, app.cfg.db_path) == 0;
	if (!ok) {
		log_error("%s", err);
		if (cgi)
			fputs("Status: 503 Service Unavailable\r\n"
			    "Content-Type: text/plain; charset=utf-8\r\n\r\n"
			    "nazar is not configured correctly; see the server log.\n", stdout);
		status = 1;
	} else if (o.check_only) {
		printf("%s: configuration, templates and database are fine\n", config_path);
		status = 0;
	} else if (cgi) {
		log_open((enum log_target)app.cfg.log_target, "nazar");
		status = drop_root(&pv, app.cfg.db_path) == 0 ? server_run_cgi(&app) : 1;
	} else {
		log_open((enum log_target)app.cfg.log_target, "nazar");
		log_info("nazar %s %s: config %s, database %s", PACKAGE_VERSION,
		    reloading ? "reloading" : "starting", config_path, app.cfg.db_path);
		status = serve_fastcgi(&app, &o, fd, owned, argv, &pv);
	}
	app_free(&app);
	return status;
}
