/* blocklist.c — patterns, the compiled list and matching; see
 * blocklist.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "blocklist.h"
#include "buf.h"
#include "fold.h"
#include "log.h"
#include "netaddr.h"
#include "text.h"

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

static enum blocklist_pattern_status
normalize_address(struct arena *a, const char *clean, const char **folded)
{
	unsigned char net[NETADDR_BYTES];
	int prefix;
	if (!netaddr_parse_range(clean, strlen(clean), net, &prefix))
		return BLOCK_PATTERN_ADDRESS;
	bool v4 = netaddr_is_v4(net) && prefix >= NETADDR_V4_OFFSET;
	if (v4 ? prefix - NETADDR_V4_OFFSET < BLOCKLIST_IPV4_MIN_PREFIX :
	    prefix < BLOCKLIST_IPV6_MIN_PREFIX)
		return BLOCK_PATTERN_TOO_WIDE;
	netaddr_mask(net, prefix);
	char text[NETADDR_TEXT_MAX];
	/* A single address is written without "/32" or "/128". */
	if (prefix == 128)
		netaddr_text(net, text);
	else
		netaddr_range_text(net, prefix, text);
	*folded = arena_strdup(a, text);
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
	unsigned char net[NETADDR_BYTES];
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
	int refs;		/* holders, counted by the cache */
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

/* Which kind of entry, counted by add_entries for index_entries. */
struct kinds {
	size_t word, email, addr;
};

/* The entries of order[0..n) still valid, in that order, into
 * bl->entries with their folded patterns in folded[]; the others are
 * logged and counted in *skipped (may be NULL). */
static void
add_entries(struct blocklist *bl, const struct blocklist_entry **order, size_t n,
    const char **folded, struct kinds *kinds, size_t *skipped)
{
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
		    .pattern = arena_strdup(bl->arena, clean) };
		folded[bl->n++] = arena_strdup(bl->arena, f);
		kinds->word += src->kind == BLOCK_WORD;
		kinds->email += src->kind == BLOCK_EMAIL;
		kinds->addr += src->kind == BLOCK_ADDRESS;
	}
	arena_free(tmp);
}

/* What the matchers look up: words and addresses in their hash tables,
 * address ranges sorted and grouped into runs of one prefix length. */
static void
index_entries(struct blocklist *bl, const char **folded, const struct kinds *kinds)
{
	struct arena *a = bl->arena;
	strtab_init(a, &bl->words, kinds->word);
	strtab_init(a, &bl->emails, kinds->email);
	bl->ranges = arena_calloc(a, kinds->addr ? kinds->addr : 1, sizeof(*bl->ranges));
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
			if (!netaddr_parse_range(f, len, r->net, &r->prefix))
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
	struct kinds kinds = { 0 };
	add_entries(bl, order, n, folded, &kinds, skipped);
	index_entries(bl, folded, &kinds);
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
	unsigned char ip[NETADDR_BYTES];
	if (!netaddr_parse_client(addr, ip))	/* a zone is not part of it */
		return;
	for (size_t r = 0; r < bl->nruns && !decided(b); r++) {
		const struct prefix_run *run = &bl->runs[r];
		unsigned char net[NETADDR_BYTES];
		memcpy(net, ip, 16);
		netaddr_mask(net, run->prefix);
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

void
blocklist_ref(struct blocklist *bl)
{
	bl->refs++;
}

int
blocklist_unref(struct blocklist *bl)
{
	return --bl->refs;
}
