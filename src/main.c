/* main.c — nazar, the web application: start-up and choice of mode.
 *
 * GATEWAY_INTERFACE set (and fd 0 no socket) → one plain CGI request;
 * otherwise FastCGI on the socket a graceful restart kept (NAZAR_LISTEN_FD),
 * on systemd's socket (LISTEN_FDS), on fd 0 when it is a listening socket
 * (spawn-fcgi, systemd's StandardInput=socket), or on the socket named by -l
 * or the config's listen — served by a child process that a supervising
 * parent re-spawns on the same socket (supervise.h), unless -f asks for a
 * single process. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "config.h"
#include "log.h"
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

int
main(int argc, char **argv)
{
	const char *config_path = NULL;
	const char *listen_override = NULL;
	int check_only = 0, single = 0;
	int opt;
	while ((opt = getopt(argc, argv, "c:l:ftVh")) != -1) {
		switch (opt) {
		case 'c':
			config_path = optarg;
			break;
		case 'l':
			listen_override = optarg;
			break;
		case 'f':
			single = 1;
			break;
		case 't':
			check_only = 1;
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
	signal(SIGPIPE, SIG_IGN);

	int owned = 0;
	int fd = supervise_inherited_fd(&owned);
	if (fd < 0)
		fd = server_systemd_listener();
	int cgi = fd < 0 && getenv("GATEWAY_INTERFACE") != NULL && !server_fd0_is_listener();
	if (config_path == NULL)
		config_path = config_default_path();

	struct app app;
	char err[1024] = "";
	if (app_init(&app, config_path, err, sizeof(err)) != 0) {
		log_error("%s", err);
		app_free(&app);
		if (cgi)
			fputs("Status: 503 Service Unavailable\r\n"
			    "Content-Type: text/plain; charset=utf-8\r\n\r\n"
			    "nazar is not configured correctly; see the server log.\n", stdout);
		return 1;
	}
	if (check_only) {
		printf("%s: configuration, templates and database are fine\n", config_path);
		app_free(&app);
		return 0;
	}
	if (cgi) {
		int status = server_run_cgi(&app);
		app_free(&app);
		return status;
	}

	/* The socket: kept, systemd's, fd 0, or our own. */
	const char *address = listen_override ? listen_override : app.cfg.listen;
	if (fd < 0 && listen_override == NULL && server_fd0_is_listener())
		fd = STDIN_FILENO;
	if (fd < 0) {
		fd = server_listen(address, app.cfg.socket_mode, err, sizeof(err));
		if (fd < 0) {
			log_error("%s", err);
			app_free(&app);
			return 1;
		}
		log_info("listening on %s", address);
		owned = 1;
	}
	int status = single ? server_run_fastcgi(&app, fd) : supervise(fd, owned, argv, serve, &app);
	if (owned) {
		close(fd);
		if (strncmp(address, "unix:", 5) == 0)
			unlink(address + 5);
	}
	app_free(&app);
	return status;
}
