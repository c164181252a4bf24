/* h_admin_overview.c — the moderators' first page after signing in: the
 * comments posted on each of the last thirty days by the status they have
 * now, as an SVG bar chart drawn here (no script), the queue and the age
 * of its oldest item, the busiest articles of the week, and the spam each
 * rule caught. In Persian the days run from right to left and are named
 * in the Solar Hijri calendar with Persian digits. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "admin.h"
#include "app.h"
#include "arena.h"
#include "buf.h"
#include "catalog.h"
#include "handlers.h"
#include "locale.h"
#include "request.h"
#include "store.h"
#include "store_overview.h"
#include "tmpl.h"
#include "view.h"

/* The chart's geometry, in the SVG's own units (it scales to its box). */
#define CHART_W 640
#define CHART_H 240
#define SCALE_W 48		/* room for the scale's numbers, left (ltr) or right (rtl) */
#define PLOT_PAD 10		/* the plot's margin on the other side */
#define PLOT_TOP 12
#define PLOT_H 180
#define SLOT_W 19		/* one day: a bar and the gap after it */
#define BAR_W 13
#define LABEL_EVERY 5		/* a day's name under every fifth bar */

/* The statuses from the bottom of a bar up, each with its class. */
static const enum comment_status stacked[] = {
	COMMENT_APPROVED, COMMENT_PENDING, COMMENT_REJECTED, COMMENT_SPAM, COMMENT_DELETED,
	COMMENT_WITHDRAWN,
};
#define NSTACKED (sizeof(stacked) / sizeof(stacked[0]))

static const char *
str(const struct ctx *c, const char *key)
{
	return catalog_get(c->app->strings, key);
}

/* The day d days after the epoch, at noon local time: a time that falls
 * on that local day whatever the offset. */
static time_t
day_time(int64_t day, long offset)
{
	return (time_t)(day * 86400 + 43200 - offset);
}

static const char *
day_text(const struct ctx *c, struct request *r, int64_t day, long offset, bool year)
{
	struct buf b = { 0 };
	locale_format_day(&b, c->app->cfg.locale, day_time(day, offset), year);
	char *s = arena_strdup(r->arena, buf_str(&b));
	buf_free(&b);
	return s;
}

/* Where the plot starts: after the scale in ltr, before it in rtl (the
 * scale stands on the side a line of text starts). */
static int
plot_left(bool rtl)
{
	return rtl ? PLOT_PAD : SCALE_W;
}

/* A round top for the scale, even so that its middle is whole: 4, 10,
 * 20, 40, 100 … at least max. */
static int64_t
scale_top(int64_t max)
{
	static const int steps[] = { 1, 2, 4 };
	if (max <= 4)
		return 4;
	for (int64_t p = 10; p <= INT64_MAX / 50; p *= 10)
		for (size_t i = 0; i < 3; i++)
			if (steps[i] * p >= max)
				return steps[i] * p;
	return max + max % 2;
}

/* One bar: its segments bottom up, and its title (the day and counts). */
static struct tval *
bar(const struct ctx *c, struct request *r, const struct overview *ov, int i, int64_t top,
    bool rtl, long offset)
{
	struct arena *a = r->arena;
	struct tval *b = tval_object(a);
	int slot = rtl ? STORE_OVERVIEW_DAYS - 1 - i : i;
	int x = plot_left(rtl) + slot * SLOT_W + (SLOT_W - BAR_W) / 2;
	struct tval *segs = tval_list(a);
	int64_t below = 0;
	struct buf title = { 0 };
	buf_puts(&title, day_text(c, r, ov->first_day + i, offset, false));
	for (size_t k = 0; k < NSTACKED; k++) {
		int64_t n = ov->per_day[i][stacked[k]];
		if (n == 0)
			continue;
		/* Heights in whole units, from the cumulative counts, so that
		 * stacked segments meet without gaps. */
		int y0 = PLOT_TOP + PLOT_H - (int)(below * PLOT_H / top);
		int y1 = PLOT_TOP + PLOT_H - (int)((below + n) * PLOT_H / top);
		below += n;
		if (y0 - y1 < 1)
			y1 = y0 - 1;
		struct tval *s = tval_object(a);
		tval_set_str(a, s, "y", arena_printf(a, "%d", y1));
		tval_set_str(a, s, "h", arena_printf(a, "%d", y0 - y1));
		tval_set_str(a, s, "status", comment_status_name(stacked[k]));
		tval_push(a, segs, s);
		buf_puts(&title, c->app->cfg.locale == LOCALE_FA ? "، " : ", ");
		buf_printf(&title, "%s: %s", str(c, arena_printf(a, "overview_status_%s",
		    comment_status_name(stacked[k]))), admin_number(c, r, (long long)n));
	}
	tval_set_str(a, b, "x", arena_printf(a, "%d", x));
	tval_set_str(a, b, "w", arena_printf(a, "%d", BAR_W));
	tval_set(a, b, "segments", segs);
	tval_set_str(a, b, "title", buf_str(&title));
	buf_free(&title);
	return b;
}

/* The chart: bars, the days' names under some, the scale beside. */
static struct tval *
chart(const struct ctx *c, struct request *r, const struct overview *ov, long offset)
{
	struct arena *a = r->arena;
	bool rtl = c->app->cfg.locale == LOCALE_FA;
	int64_t max = 0;
	for (int i = 0; i < STORE_OVERVIEW_DAYS; i++) {
		int64_t sum = 0;
		for (size_t k = 0; k < NSTACKED; k++)
			sum += ov->per_day[i][stacked[k]];
		if (sum > max)
			max = sum;
	}
	int64_t top = scale_top(max);
	struct tval *o = tval_object(a);
	tval_set_str(a, o, "width", arena_printf(a, "%d", CHART_W));
	tval_set_str(a, o, "height", arena_printf(a, "%d", CHART_H));
	struct tval *bars = tval_list(a), *labels = tval_list(a), *scale = tval_list(a);
	for (int i = 0; i < STORE_OVERVIEW_DAYS; i++) {
		tval_push(a, bars, bar(c, r, ov, i, top, rtl, offset));
		/* Today and every fifth day before it. */
		if ((STORE_OVERVIEW_DAYS - 1 - i) % LABEL_EVERY != 0)
			continue;
		int slot = rtl ? STORE_OVERVIEW_DAYS - 1 - i : i;
		struct tval *l = tval_object(a);
		tval_set_str(a, l, "x", arena_printf(a, "%d", plot_left(rtl) + slot * SLOT_W +
		    SLOT_W / 2));
		tval_set_str(a, l, "y", arena_printf(a, "%d", PLOT_TOP + PLOT_H + 20));
		tval_set_str(a, l, "text", day_text(c, r, ov->first_day + i, offset, false));
		tval_push(a, labels, l);
	}
	for (int k = 0; k <= 2; k++) {
		struct tval *l = tval_object(a);
		int y = PLOT_TOP + PLOT_H - k * PLOT_H / 2;
		tval_set_str(a, l, "y", arena_printf(a, "%d", y));
		tval_set_str(a, l, "text_y", arena_printf(a, "%d", y + 4));
		/* text-anchor end: the number's far side from the plot in
		 * either direction (its left edge in rtl, right edge in ltr). */
		int right = plot_left(rtl) + STORE_OVERVIEW_DAYS * SLOT_W;
		tval_set_str(a, l, "x_text", arena_printf(a, "%d", rtl ? right + 6 :
		    plot_left(rtl) - 6));
		tval_set_str(a, l, "x1", arena_printf(a, "%d", plot_left(rtl)));
		tval_set_str(a, l, "x2", arena_printf(a, "%d", right));
		tval_set_str(a, l, "text", admin_number(c, r, (long long)(top * k / 2)));
		tval_push(a, scale, l);
	}
	tval_set(a, o, "bars", bars);
	tval_set(a, o, "labels", labels);
	tval_set(a, o, "scale", scale);
	return o;
}

/* The same numbers as a table: a row a day, newest first. */
static struct tval *
table(const struct ctx *c, struct request *r, const struct overview *ov, long offset)
{
	struct arena *a = r->arena;
	struct tval *rows = tval_list(a);
	for (int i = STORE_OVERVIEW_DAYS - 1; i >= 0; i--) {
		struct tval *row = tval_object(a), *cells = tval_list(a);
		tval_set_str(a, row, "day", day_text(c, r, ov->first_day + i, offset, true));
		for (size_t k = 0; k < NSTACKED; k++) {
			struct tval *cell = tval_object(a);
			tval_set_str(a, cell, "n", admin_number(c, r,
			    (long long)ov->per_day[i][stacked[k]]));
			tval_push(a, cells, cell);
		}
		tval_set(a, row, "cells", cells);
		tval_push(a, rows, row);
	}
	return rows;
}

/* "۳ ساعت", "2 days": the age of the queue's oldest item, roughly. */
static const char *
age_text(const struct ctx *c, struct request *r, int64_t seconds)
{
	const char *unit = "overview_minutes";
	int64_t n = seconds / 60;
	if (seconds >= 2 * 86400) {
		unit = "overview_days";
		n = seconds / 86400;
	} else if (seconds >= 3600) {
		unit = "overview_hours";
		n = seconds / 3600;
	}
	return arena_printf(r->arena, "%s %s", admin_number(c, r, (long long)n), str(c, unit));
}

static void
lists(const struct ctx *c, struct request *r, const struct overview *ov, struct tval *o)
{
	struct arena *a = r->arena;
	struct tval *busiest = tval_list(a);
	for (size_t i = 0; i < ov->busiest_count; i++) {
		struct tval *b = tval_object(a);
		tval_set_str(a, b, "article", ov->busiest[i].article);
		tval_set_str(a, b, "queue_url", arena_printf(a, "/queue?status=approved&article=%s",
		    ov->busiest[i].article));
		tval_set_str(a, b, "comments", admin_number(c, r, (long long)ov->busiest[i].comments));
		tval_set_str(a, b, "approved", admin_number(c, r, (long long)ov->busiest[i].approved));
		tval_push(a, busiest, b);
	}
	tval_set(a, o, "busiest", busiest);
	tval_set_bool(a, o, "has_busiest", ov->busiest_count > 0);
	struct tval *rules = tval_list(a);
	for (size_t i = 0; i < ov->spam_rule_count; i++) {
		struct tval *s = tval_object(a);
		/* Catalog keys have no "-": token-too-soon → overview_rule_token_too_soon. */
		char *key = arena_printf(a, "overview_rule_%s", ov->spam_rules[i].rule);
		for (char *p = key; *p != '\0'; p++)
			if (*p == '-')
				*p = '_';
		tval_set_str(a, s, "rule", str(c, key));
		tval_set_str(a, s, "code", ov->spam_rules[i].rule);
		tval_set_str(a, s, "n", admin_number(c, r, (long long)ov->spam_rules[i].n));
		tval_push(a, rules, s);
	}
	tval_set(a, o, "spam_rules", rules);
	tval_set_bool(a, o, "has_spam", ov->spam_rule_count > 0);
}

void
admin_overview(const struct ctx *c, struct request *r, struct response *res,
    const struct handler_args *args)
{
	struct admin_session *s = args->session;
	struct tm tm;
	long offset = localtime_r(&r->now, &tm) != NULL ? tm.tm_gmtoff : 0;
	struct overview ov;
	if (store_overview_read(c->store, r->arena, r->now, offset, &ov) != STORE_OK) {
		admin_unavailable(c, r, res, s, "/queue");
		return;
	}
	struct arena *a = r->arena;
	struct tval *o = admin_view(c, r, s, "admin.title.overview");
	tval_set(a, o, "chart", chart(c, r, &ov, offset));
	tval_set(a, o, "days", table(c, r, &ov, offset));
	tval_set_str(a, o, "queue_length", admin_number(c, r, (long long)ov.queue_length));
	tval_set_bool(a, o, "queue_empty", ov.queue_length == 0);
	if (ov.queue_oldest > 0) {
		int64_t age = (int64_t)r->now - ov.queue_oldest;
		tval_set_str(a, o, "oldest_age", age_text(c, r, age < 0 ? 0 : age));
		tval_set_str(a, o, "oldest_date", admin_date(c, r, (long long)ov.queue_oldest));
	}
	lists(c, r, &ov, o);
	response_header(res, "Cache-Control", "no-store");
	admin_render(c, r, res, 200, "admin-overview", o);
}
