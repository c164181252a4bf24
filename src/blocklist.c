/* blocklist.c — patterns, the compiled list, matching and the shared
 * cache; see blocklist.h. */
#include <arpa/inet.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "blocklist.h"
#include "buf.h"
#include "fold.h"
#include "log.h"
#include "store_blocklist.h"
#include "text.h"

/* A failed read of the database is tried again after this many seconds;
 * meanwhile the last list is used. */
#define CACHE_RETRY_SECONDS 10
/* Bytes of a comment's e-mail that are looked at (validate.h allows 254). */
#define EMAIL_MATCH_MAX 320
/* An e-mail's local part and domain, and a domain's label, in bytes. */
#define EMAIL_LOCAL_MAX 64
#define DOMAIN_MAX 253
#define LABEL_MAX 63
#define NO_ITEM UINT32_MAX

static const char *const kind_names[BLOCK_KIND__MAX] = {
	"word",		/* BLOCK_WORD */
	"email",	/* BLOCK_EMAIL */
	"address",	/* BLOCK_ADDRESS */
};

static const char *const action_names[BLOCK_ACTION__MAX] = {
	"hold",		/* BLOCK_HOLD */
	"spam",		/* BLOCK_SPAM */
};

static const struct {
	const char *key;
	const char *text;
} pattern_messages[BLOCK_PATTERN__MAX] = {
	/* BLOCK_PATTERN_OK */
	{ "admin.notice.block_added", "accepted" },
	/* BLOCK_PATTERN_EMPTY */
	{ "admin.error.block_empty", "the pattern is empty" },
	/* BLOCK_PATTERN_TOO_LONG */
	{ "admin.error.block_too_long",
	  "the pattern is too long (at most 200 bytes and 12 words)" },
	/* BLOCK_PATTERN_ENCODING */
	{ "admin.error.block_encoding",
	  "the pattern is not UTF-8 text on one line without control characters" },
	/* BLOCK_PATTERN_NO_WORDS */
	{ "admin.error.block_no_words", "a word entry needs at least one letter or digit" },
	/* BLOCK_PATTERN_EMAIL */
	{ "admin.error.block_email",
	  "not an e-mail address or domain (user@example.com, @example.com or example.com)" },
	/* BLOCK_PATTERN_ADDRESS */
	{ "admin.error.block_address",
	  "not an IP address or CIDR range (203.0.113.7, 203.0.113.0/24, 2001:db8::/32)" },
	/* BLOCK_PATTERN_TOO_WIDE */
	{ "admin.error.block_too_wide",
	  "the range is too wide (at least /8 for IPv4 and /16 for IPv6)" },
};

const char *
blocklist_kind_name(enum blocklist_kind k)
{
	return (unsigned)k < BLOCK_KIND__MAX ? kind_names[k] : "";
}

int
blocklist_kind_parse(const char *s, enum blocklist_kind *out)
{
	for (int i = 0; s != NULL && i < BLOCK_KIND__MAX; i++)
		if (strcmp(s, kind_names[i]) == 0) {
			*out = (enum blocklist_kind)i;
			return 0;
		}
	return -1;
}

const char *
blocklist_action_name(enum blocklist_action a)
{
	return (unsigned)a < BLOCK_ACTION__MAX ? action_names[a] : "";
}

int
blocklist_action_parse(const char *s, enum blocklist_action *out)
{
	for (int i = 0; s != NULL && i < BLOCK_ACTION__MAX; i++)
		if (strcmp(s, action_names[i]) == 0) {
			*out = (enum blocklist_action)i;
			return 0;
		}
	return -1;
}

const char *
blocklist_pattern_message_key(enum blocklist_pattern_status s)
{
	return (unsigned)s < BLOCK_PATTERN__MAX ? pattern_messages[s].key : "admin.error.bad_request";
}

const char *
blocklist_pattern_message(enum blocklist_pattern_status s)
{
	return (unsigned)s < BLOCK_PATTERN__MAX ? pattern_messages[s].text : "invalid pattern";
}

/* --- patterns --- */

static char
ascii_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static bool
domain_valid(const char *d, size_t len)
{
	if (len == 0 || len > DOMAIN_MAX)
		return false;
	size_t label = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)d[i];
		if (c == '.') {
			if (label == 0)
				return false;
			label = 0;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c >= 0x80))
			return false;
		if (++label > LABEL_MAX)
			return false;
	}
	return label > 0;
}

/* The same characters validate.h allows in a comment's e-mail. */
static bool
local_valid(const char *l, size_t len)
{
	if (len == 0 || len > EMAIL_LOCAL_MAX)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)l[i];
		if (c <= ' ' || c == 0x7f || strchr("\"(),:;<>[\\]@", c) != NULL)
			return false;
	}
	return true;
}

static enum blocklist_pattern_status
normalize_email(struct arena *a, const char *clean, const char **folded)
{
	size_t len = strlen(clean);
	char *s = arena_strndup(a, clean, len);
	for (size_t i = 0; i < len; i++)
		s[i] = ascii_lower(s[i]);
	if (s[0] == '@') {
		s++;
		len--;
	} else if (s[0] == '*' && s[1] == '.') {
		s += 2;
		len -= 2;
	}
	if (len > 0 && s[len - 1] == '.')
		s[--len] = '\0';
	char *at = strrchr(s, '@');
	const char *domain = at ? at + 1 : s;
	if (at != NULL && !local_valid(s, (size_t)(at - s)))
		return BLOCK_PATTERN_EMAIL;
	if (!domain_valid(domain, strlen(domain)))
		return BLOCK_PATTERN_EMAIL;
	*folded = s;
	return BLOCK_PATTERN_OK;
}

/* An address in 16 bytes: IPv6 as it is, IPv4 as IPv4-mapped IPv6. */
static bool
parse_ip(const char *s, size_t len, unsigned char out[16])
{
	char tmp[64];
	if (len == 0 || len >= sizeof(tmp))
		return false;
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	unsigned char v4[4];
	if (inet_pton(AF_INET, tmp, v4) == 1) {
		memset(out, 0, 10);
		out[10] = out[11] = 0xff;
		memcpy(out + 12, v4, 4);
		return true;
	}
	return inet_pton(AF_INET6, tmp, out) == 1;
}

static bool
is_mapped(const unsigned char a[16])
{
	static const unsigned char prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	return memcmp(a, prefix, sizeof(prefix)) == 0;
}

/* Clears the bits after the first `prefix` (0..128). */
static void
mask_address(unsigned char a[16], int prefix)
{
	for (int i = 0; i < 16; i++) {
		int keep = prefix - i * 8;
		if (keep >= 8)
			continue;
		a[i] &= keep <= 0 ? 0 : (unsigned char)(0xff << (8 - keep));
	}
}

/* "203.0.113.0/24": the text of a parsed range. */
static char *
range_text(struct arena *a, const unsigned char net[16], int prefix)
{
	char text[INET6_ADDRSTRLEN];
	if (is_mapped(net) && prefix >= 96) {
		inet_ntop(AF_INET, net + 12, text, sizeof(text));
		return prefix == 128 ? arena_strdup(a, text) :
		    arena_printf(a, "%s/%d", text, prefix - 96);
	}
	inet_ntop(AF_INET6, net, text, sizeof(text));
	return prefix == 128 ? arena_strdup(a, text) : arena_printf(a, "%s/%d", text, prefix);
}

/* A pattern "address[/prefix]" as a network; prefix in IPv6 terms. */
static enum blocklist_pattern_status
parse_range(const char *s, unsigned char net[16], int *prefix)
{
	const char *slash = strchr(s, '/');
	size_t alen = slash ? (size_t)(slash - s) : strlen(s);
	if (!parse_ip(s, alen, net))
		return BLOCK_PATTERN_ADDRESS;
	/* An IPv4 text is a mapped address: its prefix counts from bit 96. */
	bool v4_text = memchr(s, ':', alen) == NULL;
	int max = v4_text ? 32 : 128, p = max;
	if (slash != NULL) {
		const char *d = slash + 1;
		size_t n = strlen(d);
		if (n == 0 || n > 3 || strspn(d, "0123456789") != n || (n > 1 && d[0] == '0'))
			return BLOCK_PATTERN_ADDRESS;
		p = atoi(d);
		if (p > max)
			return BLOCK_PATTERN_ADDRESS;
	}
	*prefix = v4_text ? p + 96 : p;
	return BLOCK_PATTERN_OK;
}

static enum blocklist_pattern_status
normalize_address(struct arena *a, const char *clean, const char **folded)
{
	unsigned char net[16];
	int prefix;
	enum blocklist_pattern_status st = parse_range(clean, net, &prefix);
	if (st != BLOCK_PATTERN_OK)
		return st;
	bool v4 = is_mapped(net) && prefix >= 96;
	if (v4 ? prefix - 96 < BLOCKLIST_IPV4_MIN_PREFIX : prefix < BLOCKLIST_IPV6_MIN_PREFIX)
		return BLOCK_PATTERN_TOO_WIDE;
	mask_address(net, prefix);
	*folded = range_text(a, net, prefix);
	return BLOCK_PATTERN_OK;
}

static enum blocklist_pattern_status
normalize_word(struct arena *a, const char *clean, const char **folded)
{
	char *f = fold_text(a, clean);
	if (f[0] == '\0')
		return BLOCK_PATTERN_NO_WORDS;
	size_t words = 1;
	for (const char *p = f; *p != '\0'; p++)
		words += *p == ' ';
	if (words > BLOCKLIST_PHRASE_WORDS || strlen(f) > BLOCKLIST_FOLDED_MAX)
		return BLOCK_PATTERN_TOO_LONG;
	*folded = f;
	return BLOCK_PATTERN_OK;
}

enum blocklist_pattern_status
blocklist_normalize(struct arena *a, enum blocklist_kind k, const char *pattern,
    const char **clean, const char **folded)
{
	static const struct text_rules rules = { .single_line = true, .refuse_controls = true };
	*clean = *folded = NULL;
	if (pattern == NULL || (unsigned)k >= BLOCK_KIND__MAX)
		return BLOCK_PATTERN_EMPTY;
	size_t len = strnlen(pattern, BLOCKLIST_PATTERN_MAX + 1);
	if (len > BLOCKLIST_PATTERN_MAX)
		return BLOCK_PATTERN_TOO_LONG;
	enum text_status ts;
	char *c = text_clean_rules(a, pattern, len, &rules, &ts);
	if (c == NULL)
		return BLOCK_PATTERN_ENCODING;
	if (c[0] == '\0')
		return BLOCK_PATTERN_EMPTY;
	const char *f = NULL;
	enum blocklist_pattern_status st;
	switch (k) {
	case BLOCK_WORD:
		st = normalize_word(a, c, &f);
		break;
	case BLOCK_EMAIL:
		st = normalize_email(a, c, &f);
		break;
	default:
		st = normalize_address(a, c, &f);
		break;
	}
	if (st == BLOCK_PATTERN_OK) {
		*clean = c;
		*folded = f;
	}
	return st;
}

/* --- the compiled list --- */

struct centry {
	int64_t id;
	enum blocklist_kind kind;
	enum blocklist_action action;
	const char *pattern;
};

/* A hash table of strings, each key heading a chain of items: for words
 * the key is a phrase's first word and the items the phrases that start
 * with it; for e-mails key and item are the same address or domain. Open
 * addressing, at most half full, so a probe is short whatever a comment's
 * words are. */
struct item {
	const char *s;
	uint32_t len;
	uint32_t entry;
	uint32_t next;		/* NO_ITEM ends the chain */
};

struct key {
	const char *s;
	uint32_t len;
	uint32_t head;
	uint64_t hash;
};

struct strtab {
	uint32_t *slots;	/* 1 + index into keys; 0: empty */
	size_t mask;
	struct key *keys;
	size_t nkeys;
	struct item *items;
	size_t nitems;
};

struct range {
	unsigned char net[16];
	int prefix;		/* 0..128, IPv6 terms */
	uint32_t entry;
};

/* The ranges of one prefix length: ranges[start..end), sorted by net. */
struct prefix_run {
	int prefix;
	size_t start, end;
};

struct blocklist {
	struct arena *arena;
	struct centry *entries;
	size_t n;
	struct strtab words;
	struct strtab emails;
	struct range *ranges;
	size_t nranges;
	struct prefix_run runs[129];
	size_t nruns;
	int refs;		/* the cache's count of holders */
};

/* FNV-1a, 64 bits. */
static uint64_t
hash_bytes(const char *s, size_t len)
{
	uint64_t h = 14695981039346656037ULL;
	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

static void
strtab_init(struct arena *a, struct strtab *t, size_t n)
{
	size_t cap = 8;
	while (cap < 2 * n)
		cap *= 2;
	t->slots = arena_calloc(a, cap, sizeof(*t->slots));
	t->mask = cap - 1;
	t->keys = arena_calloc(a, n ? n : 1, sizeof(*t->keys));
	t->items = arena_calloc(a, n ? n : 1, sizeof(*t->items));
}

/* The key s[0..len), or NULL. */
static const struct key *
strtab_find(const struct strtab *t, const char *s, size_t len)
{
	uint64_t h = hash_bytes(s, len);
	for (size_t i = (size_t)h & t->mask;; i = (i + 1) & t->mask) {
		uint32_t k = t->slots[i];
		if (k == 0)
			return NULL;
		const struct key *key = &t->keys[k - 1];
		if (key->hash == h && key->len == len && memcmp(key->s, s, len) == 0)
			return key;
	}
}

/* Puts item s (whose key is its first key_len bytes) at the head of its
 * key's chain. */
static void
strtab_add(struct strtab *t, const char *s, size_t len, size_t key_len, uint32_t entry)
{
	uint64_t h = hash_bytes(s, key_len);
	size_t i = (size_t)h & t->mask;
	struct key *key = NULL;
	for (;; i = (i + 1) & t->mask) {
		uint32_t k = t->slots[i];
		if (k == 0)
			break;
		key = &t->keys[k - 1];
		if (key->hash == h && key->len == key_len && memcmp(key->s, s, key_len) == 0)
			break;
		key = NULL;
	}
	if (key == NULL) {
		key = &t->keys[t->nkeys];
		*key = (struct key){ .s = s, .len = (uint32_t)key_len, .head = NO_ITEM, .hash = h };
		t->slots[i] = (uint32_t)++t->nkeys;
	}
	struct item *it = &t->items[t->nitems];
	*it = (struct item){ .s = s, .len = (uint32_t)len, .entry = entry, .next = key->head };
	key->head = (uint32_t)t->nitems++;
}

static int
by_id(const void *pa, const void *pb)
{
	const struct blocklist_entry *a = *(const struct blocklist_entry *const *)pa;
	const struct blocklist_entry *b = *(const struct blocklist_entry *const *)pb;
	return a->id < b->id ? -1 : a->id > b->id;
}

static int
by_range(const void *pa, const void *pb)
{
	const struct range *a = pa, *b = pb;
	if (a->prefix != b->prefix)
		return a->prefix < b->prefix ? -1 : 1;
	int c = memcmp(a->net, b->net, 16);
	if (c != 0)
		return c;
	return a->entry < b->entry ? -1 : a->entry > b->entry;
}

struct blocklist *
blocklist_compile(const struct blocklist_entry *e, size_t n, size_t *skipped)
{
	struct arena *a = arena_new();
	struct blocklist *bl = arena_alloc(a, sizeof(*bl));
	bl->arena = a;
	if (skipped != NULL)
		*skipped = 0;
	if (n > NO_ITEM - 1)
		n = NO_ITEM - 1;
	/* By id, so that chains and ranges list the oldest entry first. */
	const struct blocklist_entry **order = arena_calloc(a, n ? n : 1, sizeof(*order));
	for (size_t i = 0; i < n; i++)
		order[i] = &e[i];
	qsort(order, n, sizeof(*order), by_id);

	bl->entries = arena_calloc(a, n ? n : 1, sizeof(*bl->entries));
	const char **folded = arena_calloc(a, n ? n : 1, sizeof(*folded));
	size_t nword = 0, nemail = 0, naddr = 0;
	struct arena *tmp = arena_new();
	for (size_t i = 0; i < n; i++) {
		const struct blocklist_entry *src = order[i];
		const char *clean, *f;
		if ((unsigned)src->action >= BLOCK_ACTION__MAX ||
		    blocklist_normalize(tmp, src->kind, src->pattern, &clean, &f) !=
		    BLOCK_PATTERN_OK) {
			log_warn("blocklist: entry %lld is not valid any more; left out",
			    (long long)src->id);
			if (skipped != NULL)
				(*skipped)++;
			continue;
		}
		struct centry *ce = &bl->entries[bl->n];
		*ce = (struct centry){ .id = src->id, .kind = src->kind, .action = src->action,
		    .pattern = arena_strdup(a, clean) };
		folded[bl->n++] = arena_strdup(a, f);
		nword += src->kind == BLOCK_WORD;
		nemail += src->kind == BLOCK_EMAIL;
		naddr += src->kind == BLOCK_ADDRESS;
	}
	arena_free(tmp);

	strtab_init(a, &bl->words, nword);
	strtab_init(a, &bl->emails, nemail);
	bl->ranges = arena_calloc(a, naddr ? naddr : 1, sizeof(*bl->ranges));
	/* Backwards, as strtab_add puts each item first in its chain. */
	for (size_t i = bl->n; i-- > 0;) {
		const char *f = folded[i];
		size_t len = strlen(f);
		switch (bl->entries[i].kind) {
		case BLOCK_WORD:
			strtab_add(&bl->words, f, len, strcspn(f, " "), (uint32_t)i);
			break;
		case BLOCK_EMAIL:
			strtab_add(&bl->emails, f, len, len, (uint32_t)i);
			break;
		default: {
			struct range *r = &bl->ranges[bl->nranges++];
			/* Canonical, so it parses; masked already. */
			if (parse_range(f, r->net, &r->prefix) != BLOCK_PATTERN_OK)
				abort();
			r->entry = (uint32_t)i;
			break;
		}
		}
	}
	qsort(bl->ranges, bl->nranges, sizeof(*bl->ranges), by_range);
	for (size_t i = 0; i < bl->nranges; i++) {
		if (bl->nruns == 0 || bl->runs[bl->nruns - 1].prefix != bl->ranges[i].prefix)
			bl->runs[bl->nruns++] = (struct prefix_run){ .prefix = bl->ranges[i].prefix,
			    .start = i, .end = i };
		bl->runs[bl->nruns - 1].end = i + 1;
	}
	return bl;
}

void
blocklist_free(struct blocklist *bl)
{
	if (bl != NULL)
		arena_free(bl->arena);
}

size_t
blocklist_size(const struct blocklist *bl)
{
	return bl->n;
}

/* --- matching --- */

struct best {
	bool found;
	uint32_t entry;
	enum blocklist_action action;
};

/* Keeps the first match, unless a later one is stronger. */
static void
consider(const struct blocklist *bl, struct best *b, uint32_t entry)
{
	enum blocklist_action act = bl->entries[entry].action;
	if (!b->found || act > b->action) {
		b->found = true;
		b->entry = entry;
		b->action = act;
	}
}

static bool
decided(const struct best *b)
{
	return b->found && b->action == BLOCK_ACTION__MAX - 1;
}

static void
match_address(const struct blocklist *bl, const char *addr, struct best *b)
{
	if (addr == NULL || bl->nranges == 0)
		return;
	size_t len = strcspn(addr, "%");	/* a zone is not part of it */
	unsigned char ip[16];
	if (!parse_ip(addr, len, ip))
		return;
	for (size_t r = 0; r < bl->nruns && !decided(b); r++) {
		const struct prefix_run *run = &bl->runs[r];
		unsigned char net[16];
		memcpy(net, ip, 16);
		mask_address(net, run->prefix);
		size_t lo = run->start, hi = run->end;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (memcmp(bl->ranges[mid].net, net, 16) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (; lo < run->end && memcmp(bl->ranges[lo].net, net, 16) == 0; lo++)
			consider(bl, b, bl->ranges[lo].entry);
	}
}

static void
chain(const struct blocklist *bl, const struct strtab *t, const struct key *k, const char *s,
    size_t left, struct best *b)
{
	for (uint32_t i = k->head; i != NO_ITEM && !decided(b); i = t->items[i].next) {
		const struct item *it = &t->items[i];
		if (it->len <= left && memcmp(it->s, s, it->len) == 0 &&
		    (it->len == left || s[it->len] == ' '))
			consider(bl, b, it->entry);
	}
}

static void
match_email(const struct blocklist *bl, const char *email, struct best *b)
{
	if (email == NULL || bl->emails.nkeys == 0)
		return;
	size_t len = strnlen(email, EMAIL_MATCH_MAX + 1);
	if (len == 0 || len > EMAIL_MATCH_MAX)
		return;
	char s[EMAIL_MATCH_MAX + 1];
	for (size_t i = 0; i < len; i++)
		s[i] = ascii_lower(email[i]);
	if (s[len - 1] == '.')
		len--;
	s[len] = '\0';
	const struct key *k;
	const char *at = strrchr(s, '@');
	if (at != NULL && (k = strtab_find(&bl->emails, s, len)) != NULL)
		chain(bl, &bl->emails, k, s, len, b);
	/* The domain, then each domain above it. */
	for (const char *d = at ? at + 1 : s; *d != '\0' && !decided(b);) {
		size_t dl = (size_t)(s + len - d);
		if ((k = strtab_find(&bl->emails, d, dl)) != NULL)
			chain(bl, &bl->emails, k, d, dl, b);
		const char *dot = strchr(d, '.');
		if (dot == NULL)
			break;
		d = dot + 1;
	}
}

static void
match_words(const struct blocklist *bl, const char *text, struct buf *f, struct best *b)
{
	if (text == NULL || text[0] == '\0' || bl->words.nkeys == 0)
		return;
	buf_reset(f);
	fold_append(f, text, strlen(text));
	const char *s = buf_str(f);
	size_t len = f->len;
	for (size_t p = 0; p < len && !decided(b);) {
		size_t wl = strcspn(s + p, " ");
		const struct key *k = strtab_find(&bl->words, s + p, wl);
		if (k != NULL)
			chain(bl, &bl->words, k, s + p, len - p, b);
		p += wl + 1;
	}
}

bool
blocklist_match(const struct blocklist *bl, const struct blocklist_subject *s,
    struct blocklist_match *m)
{
	struct best b = { 0 };
	memset(m, 0, sizeof(*m));
	if (bl == NULL || s == NULL || bl->n == 0)
		return false;
	match_address(bl, s->remote_addr, &b);
	if (!decided(&b))
		match_email(bl, s->email, &b);
	struct buf f = { 0 };
	if (!decided(&b))
		match_words(bl, s->name, &f, &b);
	if (!decided(&b))
		match_words(bl, s->body, &f, &b);
	buf_free(&f);
	if (!b.found)
		return false;
	const struct centry *e = &bl->entries[b.entry];
	*m = (struct blocklist_match){ .id = e->id, .kind = e->kind, .action = e->action,
	    .pattern = e->pattern };
	return true;
}

char *
blocklist_reason(struct arena *a, const struct blocklist_match *m)
{
	return arena_printf(a, "blocklist: %s «%s»", blocklist_kind_name(m->kind),
	    m->pattern ? m->pattern : "");
}

/* --- the cache --- */

struct blocklist_cache {
	pthread_mutex_t lock;
	struct blocklist *current;	/* NULL until first used: then an empty list */
	int64_t generation;		/* of current */
	bool loading;			/* a worker is compiling a new one */
	time_t retry_at;		/* after a failed read: not before */
};

static struct blocklist_cache shared = { .lock = PTHREAD_MUTEX_INITIALIZER };

struct blocklist_cache *
blocklist_cache_shared(void)
{
	return &shared;
}

struct blocklist_cache *
blocklist_cache_new(void)
{
	struct blocklist_cache *bc = calloc(1, sizeof(*bc));
	if (bc == NULL || pthread_mutex_init(&bc->lock, NULL) != 0)
		fatal("out of memory");
	return bc;
}

void
blocklist_cache_free(struct blocklist_cache *bc)
{
	if (bc == NULL)
		return;
	blocklist_free(bc->current);
	pthread_mutex_destroy(&bc->lock);
	free(bc);
}

/* Under the lock: the current list, one more holder. */
static struct blocklist *
hold_current(struct blocklist_cache *bc)
{
	if (bc->current == NULL) {
		/* Generation 0 is the empty list: nothing to load. */
		bc->current = blocklist_compile(NULL, 0, NULL);
		bc->current->refs = 1;
		bc->generation = 0;
	}
	bc->current->refs++;
	return bc->current;
}

/* Under the lock: one holder fewer; an old list goes with its last. */
static void
drop(struct blocklist_cache *bc, struct blocklist *bl)
{
	if (--bl->refs == 0 && bl != bc->current)
		blocklist_free(bl);
}

const struct blocklist *
blocklist_cache_acquire(struct blocklist_cache *bc, struct store *st, time_t now)
{
	int64_t gen = 0;
	enum store_result r = store_blocklist_generation(st, &gen);
	pthread_mutex_lock(&bc->lock);
	struct blocklist *bl = hold_current(bc);
	bool reload = r == STORE_OK && gen != bc->generation && !bc->loading &&
	    now >= bc->retry_at;
	if (r != STORE_OK && now >= bc->retry_at) {
		log_error("blocklist: the generation could not be read; using the list of "
		    "generation %lld", (long long)bc->generation);
		bc->retry_at = now + CACHE_RETRY_SECONDS;
	}
	if (reload)
		bc->loading = true;
	pthread_mutex_unlock(&bc->lock);
	if (!reload)
		return bl;

	/* Loaded and compiled outside the lock: the other workers go on with
	 * the list they have meanwhile. */
	struct arena *a = arena_new();
	struct blocklist_entry *rows;
	size_t n, skipped = 0;
	int64_t loaded = 0;
	struct blocklist *fresh = NULL;
	r = store_blocklist_load(st, a, &rows, &n, &loaded);
	if (r == STORE_OK)
		fresh = blocklist_compile(rows, n, &skipped);
	arena_free(a);

	pthread_mutex_lock(&bc->lock);
	bc->loading = false;
	if (fresh != NULL) {
		struct blocklist *old = bc->current;
		fresh->refs = 1;	/* the cache's own hold */
		bc->current = fresh;
		bc->generation = loaded;
		bc->retry_at = 0;
		drop(bc, old);
		drop(bc, bl);
		bl = hold_current(bc);
		log_info("blocklist: generation %lld, %zu entries%s", (long long)loaded,
		    blocklist_size(fresh), skipped ? " (some left out, see above)" : "");
	} else {
		log_error("blocklist: the list could not be loaded; using generation %lld, "
		    "trying again in %d s", (long long)bc->generation, CACHE_RETRY_SECONDS);
		bc->retry_at = now + CACHE_RETRY_SECONDS;
	}
	pthread_mutex_unlock(&bc->lock);
	return bl;
}

void
blocklist_cache_release(struct blocklist_cache *bc, const struct blocklist *bl)
{
	if (bl == NULL)
		return;
	pthread_mutex_lock(&bc->lock);
	drop(bc, (struct blocklist *)bl);
	pthread_mutex_unlock(&bc->lock);
}

bool
blocklist_screen(struct store *st, struct arena *a, const struct blocklist_subject *s,
    time_t now, enum comment_status *status, const char **reason)
{
	struct blocklist_cache *bc = blocklist_cache_shared();
	const struct blocklist *bl = blocklist_cache_acquire(bc, st, now);
	struct blocklist_match m;
	bool hit = blocklist_match(bl, s, &m);
	if (hit) {
		bool changed = false;
		if (m.action == BLOCK_SPAM && *status != COMMENT_SPAM) {
			*status = COMMENT_SPAM;
			changed = true;
		} else if (m.action == BLOCK_HOLD && *status == COMMENT_APPROVED) {
			*status = COMMENT_PENDING;
			changed = true;
		}
		const char *why = blocklist_reason(a, &m);
		const char *old = *reason != NULL ? *reason : "";
		if (old[0] == '\0')
			*reason = why;
		else
			*reason = changed ? arena_printf(a, "%s; %s", why, old) :
			    arena_printf(a, "%s; %s", old, why);
	}
	blocklist_cache_release(bc, bl);
	return hit;
}
