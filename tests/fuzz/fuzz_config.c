/* fuzz_config.c — config_parse of any text.
 *
 * What must hold: a refused file leaves the config exactly as it was and
 * says "fuzz.conf:LINE: …" (or "fuzz.conf: …") without control characters,
 * which would garble a terminal or the journal; an accepted one holds only
 * values within the documented ranges, every string terminated inside its
 * field. */
#include <stdbool.h>
#include <string.h>

#include "config.h"
#include "fuzz.h"
#include "locale.h"
#include "log.h"

#define NAME "fuzz.conf"
#define TERMINATED(field) (strnlen((field), sizeof(field)) < sizeof(field))

static void
check_accepted(const struct config *c)
{
	FUZZ_CHECK(TERMINATED(c->listen) && c->listen[0] != '\0');
	FUZZ_CHECK(c->socket_mode <= 0777);
	FUZZ_CHECK(c->workers >= 1 && c->workers <= 64);
	FUZZ_CHECK(TERMINATED(c->base_path));
	size_t blen = strlen(c->base_path);
	FUZZ_CHECK(blen == 0 || (c->base_path[0] == '/' && c->base_path[blen - 1] != '/'));
	FUZZ_CHECK(strstr(c->base_path, "..") == NULL && strstr(c->base_path, "//") == NULL);
	FUZZ_CHECK(c->max_body_bytes >= 1024 && c->max_body_bytes <= 10485760);
	FUZZ_CHECK(TERMINATED(c->db_path) && c->db_path[0] != '\0');
	FUZZ_CHECK(c->busy_timeout_ms >= 0 && c->busy_timeout_ms <= 600000);
	FUZZ_CHECK(TERMINATED(c->site_name) && c->site_name[0] != '\0');
	FUZZ_CHECK(c->locale == LOCALE_FA || c->locale == LOCALE_EN);
	FUZZ_CHECK(TERMINATED(c->timezone) && c->timezone[0] != '/' &&
	    strstr(c->timezone, "..") == NULL);
	FUZZ_CHECK(TERMINATED(c->article_url));
	FUZZ_CHECK(c->article_url[0] == '\0' || strstr(c->article_url, "{article}") != NULL);
	FUZZ_CHECK(strpbrk(c->article_url, " \"<>\\") == NULL);
	FUZZ_CHECK(c->return_host_count >= 0 && c->return_host_count <= CONFIG_MAX_RETURN_HOSTS);
	for (int i = 0; i < c->return_host_count; i++) {
		FUZZ_CHECK(TERMINATED(c->return_hosts[i]) && c->return_hosts[i][0] != '\0');
		FUZZ_CHECK(strpbrk(c->return_hosts[i], " ,ABCDEFGHIJKLMNOPQRSTUVWXYZ") == NULL);
	}
	FUZZ_CHECK(TERMINATED(c->templates) && c->templates[0] != '\0');
	FUZZ_CHECK(c->mode >= 0 && c->mode < MODERATION__MAX);
	FUZZ_CHECK(c->max_length >= 1 && c->max_length <= 100000);
	FUZZ_CHECK(c->session_idle_minutes >= 1 && c->session_idle_minutes <= 1440);
	FUZZ_CHECK(c->session_lifetime_hours >= 1 && c->session_lifetime_hours <= 720);
	FUZZ_CHECK(c->hash_concurrency >= 1 && c->hash_concurrency <= 16);
	FUZZ_CHECK(c->reason_count >= 0 && c->reason_count <= CONFIG_MAX_REASONS);
	for (int i = 0; i < c->reason_count; i++)
		FUZZ_CHECK(TERMINATED(c->reasons[i]) && c->reasons[i][0] != '\0');
	FUZZ_CHECK(c->log_level >= LOG_LEVEL_ERROR && c->log_level <= LOG_LEVEL_DEBUG);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct config before, cfg;
	char err[1024];

	config_defaults(&before);
	memcpy(&cfg, &before, sizeof(cfg));
	/* Exactly size bytes, so ASan sees any read past the end. */
	char *text = malloc(size > 0 ? size : 1);
	FUZZ_CHECK(text != NULL);
	if (size > 0)
		memcpy(text, data, size);

	memset(err, 'x', sizeof(err));
	int rc = config_parse(NAME, text, size, &cfg, err, sizeof(err));
	FUZZ_CHECK(rc == 0 || rc == -1);
	FUZZ_CHECK(memchr(err, '\0', sizeof(err)) != NULL);
	if (rc == 0) {
		FUZZ_CHECK(err[0] == '\0');
		check_accepted(&cfg);
	} else {
		FUZZ_CHECK(memcmp(&cfg, &before, sizeof(cfg)) == 0);
		FUZZ_CHECK(strncmp(err, NAME ":", strlen(NAME ":")) == 0);
		for (const char *p = err; *p != '\0'; p++)
			FUZZ_CHECK((unsigned char)*p >= 0x20 && *p != 0x7f);
	}
	free(text);
	return 0;
}
