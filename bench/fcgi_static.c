/* fcgi_static.c — the FastCGI floor for bench/run: a bare libfcgi program
 * that answers every request with the bytes of one file, from memory,
 * with the same worker threads taking turns in FCGX_Accept_r under a
 * mutex as nazar's workers do. What nginx → FastCGI → a program costs
 * when the program does no work at all.
 *
 *     fcgi_static SOCKET FILE [THREADS]
 *
 * SOCKET is a unix socket path (created, mode 0666); THREADS 4 by
 * default. Runs until killed. Not part of nazar. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <fcgiapp.h>

static pthread_mutex_t accept_lock = PTHREAD_MUTEX_INITIALIZER;
static int listen_fd;
static char *body;
static size_t body_len;
static const char head[] = "Status: 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
    "X-Content-Type-Options: nosniff\r\n\r\n";

static void *
worker(void *arg)
{
	(void)arg;
	FCGX_Request req;
	if (FCGX_InitRequest(&req, listen_fd, 0) != 0)
		return NULL;
	for (;;) {
		pthread_mutex_lock(&accept_lock);
		int rc = FCGX_Accept_r(&req);
		pthread_mutex_unlock(&accept_lock);
		if (rc < 0)
			break;
		FCGX_PutStr(head, (int)sizeof(head) - 1, req.out);
		FCGX_PutStr(body, (int)body_len, req.out);
		FCGX_Finish_r(&req);
	}
	return NULL;
}

int
main(int argc, char **argv)
{
	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: fcgi_static SOCKET FILE [THREADS]\n");
		return 2;
	}
	int threads = argc == 4 ? atoi(argv[3]) : 4;
	if (threads < 1 || threads > 256) {
		fprintf(stderr, "fcgi_static: THREADS must be 1..256\n");
		return 2;
	}
	FILE *f = fopen(argv[2], "rb");
	struct stat st;
	if (f == NULL || fstat(fileno(f), &st) != 0 || st.st_size <= 0 ||
	    st.st_size > 64 * 1024 * 1024) {
		fprintf(stderr, "fcgi_static: cannot read %s\n", argv[2]);
		return 1;
	}
	body_len = (size_t)st.st_size;
	body = malloc(body_len);
	if (body == NULL || fread(body, 1, body_len, f) != body_len) {
		fprintf(stderr, "fcgi_static: cannot read %s\n", argv[2]);
		return 1;
	}
	fclose(f);
	if (FCGX_Init() != 0) {
		fprintf(stderr, "fcgi_static: FCGX_Init failed\n");
		return 1;
	}
	/* libfcgi's own SIGTERM handler only marks a shutdown that threads
	 * waiting in accept never see: let SIGTERM end the program. */
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	umask(0);
	listen_fd = FCGX_OpenSocket(argv[1], 128);
	if (listen_fd < 0) {
		fprintf(stderr, "fcgi_static: cannot listen on %s\n", argv[1]);
		return 1;
	}
	pthread_t t[256];
	for (int i = 0; i < threads; i++)
		if (pthread_create(&t[i], NULL, worker, NULL) != 0) {
			fprintf(stderr, "fcgi_static: cannot start a thread\n");
			return 1;
		}
	for (int i = 0; i < threads; i++)
		pthread_join(t[i], NULL);
	free(body);
	return 0;
}
