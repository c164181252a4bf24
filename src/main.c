/* main.c — nazar, the web application: start-up and choice of mode.
 *
 * fd 0 a listening socket (spawn-fcgi, systemd) → FastCGI on it;
 * GATEWAY_INTERFACE set → one plain CGI request; otherwise → FastCGI on
 * the socket named by -l or the config's listen. */
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

static void
usage(FILE *f)
{
	fprintf(f, "usage: nazar [-c FILE] [-l LISTEN] [-t]\n"
	    "  -c FILE    configuration file (default: $NAZAR_CONFIG or %s)\n"
	    "  -l LISTEN  unix:/path or host:port, overriding [server] listen\n"
	    "  -t         check the configuration and templates, then exit\n"
	    "  -V         print the version\n", CONFIG_DEFAULT_PATH);
}

int
main(int argc, char **argv)
{
	const char *config_path = NULL;
	const char *listen_override = NULL;
	int check_only = 0;
	int opt;
	while ((opt = getopt(argc, argv, "c:l:tVh")) != -1) {
		switch (opt) {
		case 'c':
			config_path = optarg;
			break;
		case 'l':
			listen_override = optarg;
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

	int cgi = getenv("GATEWAY_INTERFACE") != NULL && !server_fd0_is_listener();
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

	int status;
	if (cgi) {
		status = server_run_cgi(&app);
	} else if (listen_override == NULL && server_fd0_is_listener()) {
		status = server_run_fastcgi(&app, STDIN_FILENO);
	} else {
		const char *address = listen_override ? listen_override : app.cfg.listen;
		int fd = server_listen(address, app.cfg.socket_mode, err, sizeof(err));
		if (fd < 0) {
			log_error("%s", err);
			app_free(&app);
			return 1;
		}
		log_info("listening on %s", address);
		status = server_run_fastcgi(&app, fd);
		close(fd);
		if (strncmp(address, "unix:", 5) == 0)
			unlink(address + 5);
	}
	app_free(&app);
	return status;
}
