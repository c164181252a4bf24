/* mail_transport.c — sendmail(8) and SMTP through libcurl; see
 * mail_transport.h. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "buf.h"
#include "mail_transport.h"
#include "webhook.h"

int
mail_transport_init(void)
{
	/* A reader gone away must be an error of write(), not a signal. */
	signal(SIGPIPE, SIG_IGN);
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1;
}

void
mail_transport_cleanup(void)
{
	curl_global_cleanup();
}

static int64_t
now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The first line of out, printable, into err after prefix. */
static void
say_output(char *err, size_t errlen, const char *prefix, const char *out)
{
	size_t n = strcspn(out, "\r\n");
	if (n > 200)
		n = 200;
	char line[201];
	memcpy(line, out, n);
	line[n] = '\0';
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)line[i] < 0x20 || line[i] == 0x7f)
			line[i] = ' ';
	snprintf(err, errlen, "%s%s%s", prefix, n > 0 ? ": " : "", line);
}

/* The child: stdin from in, stdout and stderr into out, then sendmail. */
static void
exec_sendmail(const struct config *cfg, const char *rcpt, int in, int out)
{
	if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)
		_exit(127);
	char *const argv[] = { (char *)cfg->mail_sendmail, (char *)"-i", (char *)"-f",
	    (char *)cfg->mail_from, (char *)"--", (char *)rcpt, NULL };
	execv(cfg->mail_sendmail, argv);
	fprintf(stderr, "cannot run %s: %s\n", cfg->mail_sendmail, strerror(errno));
	_exit(127);
}

/* Feeds the message (LF lines, as the sendmail interface takes them) and
 * collects the output until the program ends or the time is up. */
static int
feed_and_wait(pid_t pid, int in, int out, const char *msg, size_t len, int timeout_s,
    struct buf *output, int *status)
{
	struct buf lf = { 0 };
	for (size_t i = 0; i < len; i++)
		if (!(msg[i] == '\r' && i + 1 < len && msg[i + 1] == '\n'))
			buf_putc(&lf, msg[i]);
	size_t off = 0;
	int64_t end = now_ms() + (int64_t)timeout_s * 1000;
	bool out_open = true;
	fcntl(in, F_SETFL, O_NONBLOCK);
	while (in >= 0 || out_open) {
		struct pollfd p[2] = { { .fd = in, .events = POLLOUT },
		    { .fd = out_open ? out : -1, .events = POLLIN } };
		int64_t left = end - now_ms();
		if (left <= 0)
			break;
		if (poll(p, 2, (int)left) < 0 && errno != EINTR)
			break;
		if (in >= 0 && (p[0].revents & (POLLOUT | POLLERR | POLLHUP))) {
			ssize_t w = write(in, lf.data + off, lf.len - off);
			if (w > 0)
				off += (size_t)w;
			if ((w < 0 && errno != EAGAIN && errno != EINTR) || off == lf.len) {
				close(in);
				in = -1;
			}
		}
		if (out_open && (p[1].revents & (POLLIN | POLLHUP | POLLERR))) {
			char chunk[512];
			ssize_t r = read(out, chunk, sizeof(chunk));
			if (r > 0 && output->len < 4096)
				buf_append(output, chunk, (size_t)r);
			else if (r == 0 || (r < 0 && errno != EINTR && errno != EAGAIN))
				out_open = false;
		}
	}
	buf_free(&lf);
	if (in >= 0)
		close(in);
	bool timed_out = out_open;
	if (timed_out)
		kill(pid, SIGKILL);
	while (waitpid(pid, status, 0) < 0 && errno == EINTR)
		;
	return timed_out ? -1 : 0;
}

static int
deliver_sendmail(const struct config *cfg, const char *rcpt, const char *msg, size_t len,
    char *err, size_t errlen)
{
	int in[2], out[2];
	if (pipe2(in, O_CLOEXEC) != 0)
		goto sys;
	if (pipe2(out, O_CLOEXEC) != 0) {
		close(in[0]);
		close(in[1]);
		goto sys;
	}
	pid_t pid = fork();
	if (pid < 0) {
		close(in[0]);
		close(in[1]);
		close(out[0]);
		close(out[1]);
		goto sys;
	}
	if (pid == 0)
		exec_sendmail(cfg, rcpt, in[0], out[1]);
	close(in[0]);
	close(out[1]);
	struct buf output = { 0 };
	int status = 0;
	int rc = feed_and_wait(pid, in[1], out[0], msg, len, cfg->mail_timeout_seconds,
	    &output, &status);
	close(out[0]);
	char prefix[1200];
	if (rc != 0)
		snprintf(prefix, sizeof(prefix), "%s timed out after %d s", cfg->mail_sendmail,
		    cfg->mail_timeout_seconds);
	else if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		buf_free(&output);
		return 0;
	} else if (WIFEXITED(status))
		snprintf(prefix, sizeof(prefix), "sendmail exited %d", WEXITSTATUS(status));
	else
		snprintf(prefix, sizeof(prefix), "sendmail killed by signal %d",
		    WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	say_output(err, errlen, prefix, buf_str(&output));
	buf_free(&output);
	return -1;
sys:
	snprintf(err, errlen, "cannot start sendmail: %s", strerror(errno));
	return -1;
}

struct upload {
	const char *p;
	size_t left;
};

static size_t
read_message(char *dst, size_t size, size_t n, void *arg)
{
	struct upload *u = arg;
	size_t k = size * n < u->left ? size * n : u->left;
	memcpy(dst, u->p, k);
	u->p += k;
	u->left -= k;
	return k;
}

/* smtp:// to a loopback host may go without TLS when the server offers
 * none (a local relay, the tests); anywhere else STARTTLS is required. */
static bool
loopback_url(const char *url)
{
	static const char *const hosts[] = { "smtp://127.0.0.1", "smtp://localhost",
	    "smtp://[::1]" };
	for (size_t i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++) {
		size_t n = strlen(hosts[i]);
		if (strncmp(url, hosts[i], n) == 0 && (url[n] == '\0' || url[n] == ':' ||
		    url[n] == '/'))
			return true;
	}
	return false;
}

/* The password: the first line of the file. */
static int
read_password(const char *path, struct buf *pw, char *err, size_t errlen)
{
	if (buf_read_file(pw, path, 4096, err, errlen) != 0)
		return -1;
	pw->len = strcspn(pw->data, "\r\n");
	pw->data[pw->len] = '\0';
	return 0;
}

static int
deliver_smtp(const struct config *cfg, const char *rcpt, const char *msg, size_t len,
    char *err, size_t errlen)
{
	struct buf pw = { 0 };
	if (cfg->mail_smtp_user[0] != '\0' &&
	    read_password(cfg->mail_smtp_password_file, &pw, err, errlen) != 0)
		return -1;
	CURL *curl = curl_easy_init();
	if (curl == NULL) {
		buf_free(&pw);
		snprintf(err, errlen, "libcurl could not start");
		return -1;
	}
	char from[300], to[300];
	snprintf(from, sizeof(from), "<%s>", cfg->mail_from);
	snprintf(to, sizeof(to), "<%s>", rcpt);
	struct curl_slist *rcpts = curl_slist_append(NULL, to);
	struct upload u = { msg, len };
	char curl_err[CURL_ERROR_SIZE] = "";
	curl_easy_setopt(curl, CURLOPT_URL, cfg->mail_smtp_url);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(curl, CURLOPT_USE_SSL, loopback_url(cfg->mail_smtp_url) ?
	    (long)CURLUSESSL_TRY : (long)CURLUSESSL_ALL);
	curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpts);
	curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_message);
	curl_easy_setopt(curl, CURLOPT_READDATA, &u);
	curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, (long)cfg->mail_timeout_seconds);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, (long)cfg->mail_timeout_seconds);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, curl_err);
	if (cfg->mail_smtp_user[0] != '\0') {
		curl_easy_setopt(curl, CURLOPT_USERNAME, cfg->mail_smtp_user);
		curl_easy_setopt(curl, CURLOPT_PASSWORD, buf_str(&pw));
	}
	CURLcode rc = curl_easy_perform(curl);
	long code = 0;
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
	if (rc != CURLE_OK)
		snprintf(err, errlen, "smtp: %s (%ld): %s", curl_easy_strerror(rc), code,
		    curl_err[0] ? curl_err : "-");
	curl_slist_free_all(rcpts);
	curl_easy_cleanup(curl);
	if (pw.data != NULL)
		memset(pw.data, 0, pw.cap);
	buf_free(&pw);
	return rc == CURLE_OK ? 0 : -1;
}

int
mail_deliver(const struct config *cfg, const char *rcpt, const char *msg, size_t len,
    char *err, size_t errlen)
{
	switch (cfg->mail_transport) {
	case MAIL_TRANSPORT_SENDMAIL:
		return deliver_sendmail(cfg, rcpt, msg, len, err, errlen);
	case MAIL_TRANSPORT_SMTP:
		return deliver_smtp(cfg, rcpt, msg, len, err, errlen);
	default:
		snprintf(err, errlen, "no mail transport configured ([mail] transport = none)");
		return -1;
	}
}

/* A webhook receiver's answer is not read; its first bytes are counted
 * and dropped. */
static size_t
discard_answer(char *data, size_t size, size_t n, void *arg)
{
	(void)data;
	(void)arg;
	return size * n;
}

int
webhook_post(const struct config *cfg, const char *url, const char *body, size_t len,
    const char *const *headers, char *err, size_t errlen)
{
	char why[256];
	/* The configuration was checked at start; the row's URL is checked
	 * again, as the rows may be older than the configuration. */
	if (webhook_url_check(url, cfg->webhook_allow_hosts, why, sizeof(why)) != 0) {
		snprintf(err, errlen, "webhook: %s", why);
		return -1;
	}
	CURL *curl = curl_easy_init();
	if (curl == NULL) {
		snprintf(err, errlen, "libcurl could not start");
		return -1;
	}
	struct curl_slist *list = NULL;
	for (size_t i = 0; headers[i] != NULL; i++)
		list = curl_slist_append(list, headers[i]);
	/* http:// is loopback only (webhook_url_check). */
	const char *protocols = strncmp(url, "https://", 8) == 0 ? "https" : "http";
	char curl_err[CURL_ERROR_SIZE] = "";
	long connect = cfg->webhook_timeout_seconds < 5 ? cfg->webhook_timeout_seconds : 5;
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, protocols);
	curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, protocols);
	curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 0L);
	/* "" turns off the proxy environment variables too. */
	curl_easy_setopt(curl, CURLOPT_PROXY, cfg->webhook_proxy);
	curl_easy_setopt(curl, CURLOPT_POST, 1L);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
	curl_easy_setopt(curl, CURLOPT_USERAGENT, "nazar-webhook/1");
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard_answer);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, (long)cfg->webhook_timeout_seconds);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, connect);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, curl_err);
	CURLcode rc = curl_easy_perform(curl);
	long code = 0;
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
	int ok = 0;
	if (rc != CURLE_OK) {
		snprintf(err, errlen, "webhook: %s: %s", curl_easy_strerror(rc),
		    curl_err[0] ? curl_err : "-");
		ok = -1;
	} else if (code < 200 || code > 299) {
		snprintf(err, errlen, "webhook: HTTP %ld%s", code, code >= 300 && code < 400 ?
		    " (redirects are not followed)" : "");
		ok = -1;
	}
	curl_slist_free_all(list);
	curl_easy_cleanup(curl);
	return ok;
}
