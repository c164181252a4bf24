/* checks_bench.c — what the blocklist costs a post.
 *
 * Built and run by bench/checks.sh against build/run/libnazar.a; not part
 * of nazar. It times, per post, over the same corpus of Persian and
 * English comments and in one run:
 *
 *   clean     what every post pays without the checks: the name and the
 *             body cleaned as the form's validation cleans them
 *             (text_clean_rules: UTF-8, invisible characters, NFC, marks,
 *             lines) — the baseline;
 *   fold      clean, then the name and body folded (fold.h), no list;
 *   checks    clean, then blocklist_match against 10,000 entries (which
 *             folds the name and body, looks up every word, the e-mail's
 *             domains and the client's address);
 *   cached    checks, with the list taken from the workers' cache as the
 *             post handler does (one SQLite read of the generation per
 *             post, on a database in DIR).
 *
 * Each round runs every scenario once over the whole corpus, in turn, so
 * that drift on a shared machine touches them alike; the median round is
 * reported in ns per post, with the ratio to clean. Compiling the list and,
 * for scale, storing a comment (store_post_comment: one transaction,
 * synchronous=FULL) are timed too.
 *
 *   checks_bench [-r ROUNDS] DIR
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "arena.h"
#include "blocklist.h"
#include "blocklist_cache.h"
#include "buf.h"
#include "fold.h"
#include "log.h"
#include "store.h"
#include "store_antispam.h"
#include "store_blocklist.h"
#include "store_db.h"
#include "text.h"

#define ENTRIES 10000
#define POSTS 400
#define MAX_ROUNDS 1000

/* Comments as readers of a news site write them: short and long, Persian
 * (with half-spaces, Arabic letter forms, Persian digits, punctuation) and
 * English, a link now and then. */
static const char *const persian[] = {
	"خیلی ممنون از گزارش خوبتان. کاش به هزینه‌های زندگی مردم در شهرهای کوچک هم "
	"می‌پرداختید؛ اجاره‌ها در یک سال گذشته دو برابر شده است.",
	"این تصمیم مجلس بدون نظر کارشناسان گرفته شده و نتیجه‌اش را همه می‌بینیم. "
	"قیمت دلار از ۵۰ هزار تومان گذشت و حقوق کارگران همان است که بود.",
	"سلام. من معلم هستم و ۲۵ سال سابقه دارم. حقوق ما با تورم ۴۰ درصدی هیچ جور "
	"درنمی‌آید. چرا کسی صدای ما را نمی‌شنود؟",
	"گزارش دقیقی بود ولی عنوانش کمی اغراق‌آمیز است.",
	"آلودگی هوای تهران دیگر قابل تحمل نیست. مدارس بسته، ادارات تعطیل، و باز هم "
	"هیچ برنامه‌ای برای سال بعد نیست. تا کی باید ماسک بزنیم؟ بچه‌های ما در این هوا "
	"بزرگ می‌شوند و هیچ‌کس پاسخگو نیست.",
	"تیم ملی خوب بازی کرد ولی مربی باید زودتر تعویض می‌کرد. دقیقه‌ی ۷۰ همه خسته بودند.",
	"به نظرم نویسنده‌ی محترم یک نکته را فراموش کرده: بیشتر این خودروها وارداتی "
	"نیستند و مشکل از زنجیره‌ی تأمین قطعات داخلی است. در سال ۱۴۰۲ هم همین را دیدیم.",
	"كتاب خوبي بود، ممنون كه معرفي كرديد. كاش قيمتش اين‌قدر بالا نبود.",
	"اینترنت کند و فیلترینگ، کسب‌وکارهای کوچک را نابود کرده است. من فروشگاه اینترنتی "
	"دارم و فروشم نصف شده. لطفاً در این باره گزارش بیشتری تهیه کنید.",
	"عالی",
	"بارش باران امسال کمتر از میانگین بلندمدت بوده و سدهای اطراف تهران فقط ۱۲ درصد "
	"آب دارند. اگر صرفه‌جویی نکنیم تابستان سختی در پیش است.",
	"خبرگزاری‌های دیگر عدد دیگری گفته‌اند. منبع آمار شما کجاست؟",
};

static const char *const english[] = {
	"Thanks for the detailed report. I would like to know how the new rules will be "
	"enforced in smaller cities, where the inspectors are few.",
	"This is simply wrong. The numbers in the third paragraph do not match the "
	"ministry's own figures published last month (see https://example.org/report).",
	"Great article!",
	"As someone who has lived in Tehran for twenty years, the air has never been this "
	"bad. Schools closing is not a plan; it's an admission that there is no plan. "
	"Public transport, cleaner fuel and enforcement would be a start.",
	"Could you please publish the full interview? The quotes seem taken out of context.",
	"The coach should have made the substitutions earlier; by the 70th minute the "
	"midfield was exhausted and the defence had no cover at all.",
	"I disagree with the author. Prices went up everywhere, not only here, and the "
	"article ignores the global context entirely.",
	"Where can I find the original data?",
};

static const char *const names[] = {
	"مریم", "علی رضایی", "Sara", "کاربر ناشناس", "John Smith", "رضا", "Nasrin K.",
	"خواننده‌ی همیشگی",
};

static const char *const emails[] = {
	"", "", "maryam@example.ir", "ali.rezaei@mail.example.com", "", "sara@example.org",
	"reader123@gmail.example", "",
};

static const char *const addresses[] = {
	"192.0.2.44", "203.0.113.9", "2001:db8:4::17", "::ffff:198.51.100.23", "10.20.30.40",
	"2001:db8:ffff:1::2", "172.16.5.5", "192.0.2.200",
};

/* A word of the list's vocabulary: Persian syllables or Latin letters. */
static void
vocab_word(struct buf *b, unsigned n, bool persian_word)
{
	static const char *const syl[] = { "کا", "زی", "نو", "شر", "ط", "بن", "دی", "در",
	    "آ", "مد", "فو", "ری", "خر", "ید", "ار", "زان", "تب", "لی", "غ", "گو" };
	static const char *const lat[] = { "ca", "si", "no", "bet", "win", "pil", "ls",
	    "che", "ap", "lo", "an", "free", "cash", "mo", "ney", "vi", "ag", "ra", "cry", "pto" };
	const char *const *set = persian_word ? syl : lat;
	unsigned k = n;
	int parts = 2 + (int)(n % 3);
	for (int i = 0; i < parts; i++) {
		buf_puts(b, set[k % 20]);
		k = k / 20 + (unsigned)i * 7 + 1;
	}
}

/* The 10,000 entries: 35 % words (Persian and English), 15 % phrases,
 * 25 % e-mail domains and addresses, 25 % IPv4 and IPv6 addresses and
 * ranges; one in seven sends to spam. */
static struct blocklist_entry *
make_entries(struct arena *a)
{
	struct blocklist_entry *e = arena_calloc(a, ENTRIES, sizeof(*e));
	struct buf b = { 0 };
	for (unsigned i = 0; i < ENTRIES; i++) {
		buf_reset(&b);
		unsigned r = i % 20;
		enum blocklist_kind k;
		if (r < 7) {
			k = BLOCK_WORD;
			vocab_word(&b, i * 2654435761u, i % 2 == 0);
			buf_printf(&b, "%u", i);
		} else if (r < 10) {
			k = BLOCK_WORD;
			vocab_word(&b, i * 40503u, i % 2 == 0);
			buf_putc(&b, ' ');
			vocab_word(&b, i * 69069u + 1, i % 2 == 0);
			buf_printf(&b, " %u", i);
		} else if (r < 15) {
			k = BLOCK_EMAIL;
			if (r < 13)
				buf_printf(&b, "@spam%u.example", i);
			else
				buf_printf(&b, "bot%u@mailer.example", i);
		} else {
			k = BLOCK_ADDRESS;
			switch (r) {
			case 15: buf_printf(&b, "100.%u.%u.0/24", i / 256 % 64, i % 256); break;
			case 16: buf_printf(&b, "100.%u.%u.%u", 64 + i / 256 % 64, i % 256, i % 7); break;
			case 17: buf_printf(&b, "2001:db8:%x::/48", i); break;
			case 18: buf_printf(&b, "2001:db8:ffff:%x::/64", i); break;
			default: buf_printf(&b, "2001:db8:fffe::%x", i); break;
			}
		}
		e[i].id = i + 1;
		e[i].kind = k;
		e[i].action = i % 7 == 0 ? BLOCK_SPAM : BLOCK_HOLD;
		e[i].pattern = arena_strdup(a, buf_str(&b));
		const char *clean, *folded;
		if (blocklist_normalize(a, k, e[i].pattern, &clean, &folded) != BLOCK_PATTERN_OK) {
			fprintf(stderr, "checks_bench: entry %u (%s) refused\n", i, e[i].pattern);
			exit(1);
		}
		e[i].folded = (char *)folded;
		e[i].note = (char *)"";
		e[i].created_by = (char *)"bench";
	}
	buf_free(&b);
	return e;
}

struct post {
	const char *name, *email, *body, *addr;
};

/* POSTS posts: one to four comments of a language each, with the name,
 * e-mail and address of a reader; one in ten carries a listed word. */
static struct post *
make_posts(struct arena *a, const struct blocklist_entry *e, size_t *chars, size_t *fa)
{
	struct post *p = arena_calloc(a, POSTS, sizeof(*p));
	struct buf b = { 0 };
	*chars = *fa = 0;
	for (unsigned i = 0; i < POSTS; i++) {
		buf_reset(&b);
		bool in_persian = i % 3 != 0;
		int parts = 1 + (int)(i * 7 % 4);
		for (int j = 0; j < parts; j++) {
			if (j > 0)
				buf_puts(&b, j % 2 ? " " : "\n\n");
			if (in_persian)
				buf_puts(&b, persian[(i + (unsigned)j * 5) % 12]);
			else
				buf_puts(&b, english[(i + (unsigned)j * 3) % 8]);
		}
		/* Entries 20k + 1 are words, 20k + 8 phrases (make_entries). */
		if (i % 10 == 5)
			buf_printf(&b, " %s!", e[(i * 740 + (i % 20 == 5 ? 7 : 0)) % ENTRIES].pattern);
		p[i].body = arena_strdup(a, buf_str(&b));
		p[i].name = names[i % 8];
		p[i].email = emails[i % 8];
		p[i].addr = addresses[i % 8];
		*chars += utf8_length(p[i].body, strlen(p[i].body));
		*fa += in_persian;
	}
	buf_free(&b);
	return p;
}

static double
now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

enum scenario { SC_CLEAN, SC_FOLD, SC_CHECKS, SC_CACHED, SC__MAX };

static const char *const scenario_labels[SC__MAX] = {
	"no checks: clean name and body",
	"clean + fold name and body",
	"clean + blocklist, 10,000 entries",
	"clean + blocklist via the cache",
};

static const struct text_rules name_rules = { .single_line = true, .refuse_controls = true };
static const struct text_rules body_rules = { .refuse_controls = true, .max_lines = 100 };

static volatile size_t sink;

/* One post through a scenario. */
static void
run_post(enum scenario sc, const struct post *p, const struct blocklist *bl,
    struct blocklist_cache *bc, struct store *st, struct buf *fb)
{
	struct arena *a = arena_new();
	enum text_status ts;
	const char *name = text_clean_rules(a, p->name, strlen(p->name), &name_rules, &ts);
	const char *body = text_clean_rules(a, p->body, strlen(p->body), &body_rules, &ts);
	if (name == NULL || body == NULL) {
		fprintf(stderr, "checks_bench: a post of the corpus is refused\n");
		exit(1);
	}
	const struct blocklist_subject s = { name, p->email, body, p->addr };
	struct blocklist_match m;
	switch (sc) {
	case SC_CLEAN:
		sink += strlen(body);
		break;
	case SC_FOLD:
		buf_reset(fb);
		fold_append(fb, name, strlen(name));
		sink += fb->len;
		buf_reset(fb);
		fold_append(fb, body, strlen(body));
		sink += fb->len;
		break;
	case SC_CHECKS:
		sink += blocklist_match(bl, &s, &m);
		break;
	default: {
		const struct blocklist *cl = blocklist_cache_acquire(bc, st, time(NULL));
		sink += blocklist_match(cl, &s, &m);
		blocklist_cache_release(bc, cl);
		break;
	}
	}
	arena_free(a);
}

static int
by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static struct store *
open_db(const char *dir, const struct blocklist_entry *e)
{
	char path[1024], err[512];
	snprintf(path, sizeof(path), "%s/checks.db", dir);
	unlink(path);
	struct store *st;
	int from;
	if (store_open(path, 5000, &st, err, sizeof(err)) != STORE_OK ||
	    store_migrate(st, &from, err, sizeof(err)) != STORE_OK) {
		fprintf(stderr, "checks_bench: %s\n", err);
		exit(1);
	}
	sqlite3_exec(st->db, "BEGIN", NULL, NULL, NULL);
	for (size_t i = 0; i < ENTRIES; i++) {
		sqlite3_stmt *s;
		sqlite3_prepare_v2(st->db, "INSERT INTO blocklist (kind, pattern, folded, action,"
		    " created) VALUES (?1, ?2, ?3, ?4, 0)", -1, &s, NULL);
		sqlite3_bind_text(s, 1, blocklist_kind_name(e[i].kind), -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 2, e[i].pattern, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 3, e[i].folded, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 4, blocklist_action_name(e[i].action), -1, SQLITE_STATIC);
		if (sqlite3_step(s) != SQLITE_DONE) {
			fprintf(stderr, "checks_bench: insert: %s\n", sqlite3_errmsg(st->db));
			exit(1);
		}
		sqlite3_finalize(s);
	}
	sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL);
	return st;
}

int
main(int argc, char **argv)
{
	int rounds = 200, o;
	while ((o = getopt(argc, argv, "r:")) != -1) {
		if (o == 'r' && atoi(optarg) >= 5 && atoi(optarg) <= MAX_ROUNDS)
			rounds = atoi(optarg);
		else {
			fprintf(stderr, "usage: checks_bench [-r ROUNDS (5..%d)] DIR\n", MAX_ROUNDS);
			return 2;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "usage: checks_bench [-r ROUNDS] DIR\n");
		return 2;
	}
	log_set_level(LOG_LEVEL_WARN);
	struct arena *a = arena_new();
	struct blocklist_entry *e = make_entries(a);
	size_t chars, fa;
	struct post *posts = make_posts(a, e, &chars, &fa);

	/* Compiling, as a worker does after a change. */
	double t = now_ns();
	struct blocklist *bl = blocklist_compile(e, ENTRIES, NULL);
	double compile_ms = (now_ns() - t) / 1e6;
	struct store *st = open_db(argv[optind], e);
	struct blocklist_cache *bc = blocklist_cache_new();
	t = now_ns();
	blocklist_cache_release(bc, blocklist_cache_acquire(bc, st, time(NULL)));
	double load_ms = (now_ns() - t) / 1e6;

	size_t hits = 0;
	for (size_t i = 0; i < POSTS; i++) {
		struct blocklist_match m;
		const struct blocklist_subject s = { posts[i].name, posts[i].email, posts[i].body,
		    posts[i].addr };
		hits += blocklist_match(bl, &s, &m);
	}
	printf("list: %d entries (%zu compiled) in %.1f ms; loaded from SQLite and compiled "
	    "through the cache in %.1f ms\n", ENTRIES, blocklist_size(bl), compile_ms, load_ms);
	printf("corpus: %d posts, %zu Persian, %zu English, %zu characters a post on average, "
	    "%zu matching an entry\n", POSTS, fa, POSTS - fa, chars / POSTS, hits);

	/* Warm-up, then the rounds. */
	struct buf fb = { 0 };
	for (int sc = 0; sc < SC__MAX; sc++)
		for (size_t i = 0; i < POSTS; i++)
			run_post(sc, &posts[i], bl, bc, st, &fb);
	static double per_post[SC__MAX][MAX_ROUNDS];
	for (int r = 0; r < rounds; r++)
		for (int sc = 0; sc < SC__MAX; sc++) {
			t = now_ns();
			for (size_t i = 0; i < POSTS; i++)
				run_post(sc, &posts[i], bl, bc, st, &fb);
			per_post[sc][r] = (now_ns() - t) / POSTS;
		}
	double median[SC__MAX], p90[SC__MAX];
	for (int sc = 0; sc < SC__MAX; sc++) {
		qsort(per_post[sc], (size_t)rounds, sizeof(double), by_value);
		median[sc] = per_post[sc][rounds / 2];
		p90[sc] = per_post[sc][rounds * 9 / 10];
	}

	/* For scale: storing a comment, as the post handler does. */
	enum { STORES = 200 };
	double store_t[STORES];
	for (int i = 0; i < STORES; i++) {
		struct comment c = { .article = (char *)"bench", .name = (char *)posts[i].name,
		    .email = (char *)posts[i].email, .body = (char *)posts[i].body,
		    .status = COMMENT_PENDING, .remote_addr = (char *)posts[i].addr,
		    .user_agent = (char *)"bench", .reason = (char *)"" };
		unsigned char hash[STORE_BODY_HASH_BYTES] = { (unsigned char)i, 1 };
		const struct post_guard g = { .addr_group = "bench", .body_hash = hash };
		enum post_verdict v;
		int retry;
		t = now_ns();
		if (store_post_comment(st, &c, &g, time(NULL), &v, &retry) != STORE_OK) {
			fprintf(stderr, "checks_bench: store_post_comment failed\n");
			return 1;
		}
		store_t[i] = now_ns() - t;
	}
	qsort(store_t, STORES, sizeof(double), by_value);

	printf("%d rounds of the corpus per scenario, ns per post:\n\n", rounds);
	printf("| %-36s | %9s | %9s | %8s |\n", "scenario", "median", "p90", "ratio");
	printf("| %.36s | %.9s | %.9s | %.8s |\n", "------------------------------------------",
	    "------------", "------------", "----------");
	for (int sc = 0; sc < SC__MAX; sc++)
		printf("| %-36s | %9.0f | %9.0f | %7.2fx |\n", scenario_labels[sc], median[sc],
		    p90[sc], median[sc] / median[SC_CLEAN]);
	printf("\nthe checks alone (blocklist - clean): %.0f ns a post; via the cache: %.0f ns\n",
	    median[SC_CHECKS] - median[SC_CLEAN], median[SC_CACHED] - median[SC_CLEAN]);
	printf("for scale, storing a comment (store_post_comment, synchronous=FULL): median "
	    "%.0f µs, p90 %.0f µs\n", store_t[STORES / 2] / 1e3, store_t[STORES * 9 / 10] / 1e3);
	printf("(sink %zu)\n", (size_t)(sink % 10));

	buf_free(&fb);
	blocklist_cache_free(bc);
	blocklist_free(bl);
	store_close(st);
	arena_free(a);
	return 0;
}
