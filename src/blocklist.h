/* blocklist.h — the moderators' blocklist: words and phrases, e-mail
 * addresses and domains, client addresses and ranges; each entry holds a
 * matching comment for review or sends it to spam.
 *
 * Three layers:
 * - patterns: what a moderator types is checked and brought to one
 *   canonical form (blocklist_normalize), which the store keeps unique per
 *   kind;
 * - a compiled list (blocklist_compile): immutable, built once from all
 *   entries, and matched against a comment in time independent of the
 *   number of entries — a hash table of folded phrases keyed by their first
 *   word, a hash table of addresses and domains, and the address ranges
 *   sorted by prefix length and network;
 * - the cache (blocklist_cache.h): one compiled list shared read-only by
 *   every worker thread, rebuilt when the database says the list changed.
 * This module is pure: no database, no I/O; the store (store_blocklist.h)
 * keeps the entries and the cache reads them from there.
 *
 * Matching rules:
 * - word: whole words after folding (fold.h), in the name and in the body,
 *   each on its own: "press" does not match "WordPress", "کلاهبردار"
 *   matches "كلاهبردار", "کلاه‌بردار" and "كـلاهـبـردار"; a phrase matches
 *   the same words in a row (punctuation and spacing between them do not
 *   matter, as folding makes them one space).
 * - email: "user@example.com" matches that address; "@example.com" or
 *   "example.com" matches every address at example.com and at its
 *   subdomains (a.example.com), not at badexample.com. Compared without
 *   ASCII case; a trailing dot of a domain is ignored.
 * - address: an IPv4 or IPv6 address or CIDR range; IPv4-mapped IPv6
 *   (::ffff:a.b.c.d) is IPv4, as a client and in a pattern. A zone
 *   ("%eth0") of the client's address is ignored.
 * When several entries match, spam beats hold; among equals the first
 * found wins, looking at the address, the e-mail, the name and then the
 * body (in reading order), and at the lowest id for the same place. */
#ifndef NAZAR_BLOCKLIST_H
#define NAZAR_BLOCKLIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;

enum blocklist_kind {
	BLOCK_WORD,		/* a word or phrase */
	BLOCK_EMAIL,		/* an e-mail address or domain */
	BLOCK_ADDRESS,		/* an IP address or CIDR range */
	BLOCK_KIND__MAX
};

/* Ordered by strength: a stronger action wins over a weaker one. */
enum blocklist_action {
	BLOCK_HOLD,		/* pending, whatever the moderation mode */
	BLOCK_SPAM,		/* straight to spam */
	BLOCK_ACTION__MAX
};

/* "word", "email", "address"; "hold", "spam". Parsing is exact (lower
 * case); it returns 0, or -1 for an unknown name. */
const char *blocklist_kind_name(enum blocklist_kind k);
int blocklist_kind_parse(const char *s, enum blocklist_kind *out);
const char *blocklist_action_name(enum blocklist_action a);
int blocklist_action_parse(const char *s, enum blocklist_action *out);

/* Bytes of a pattern as typed, and of its canonical form. */
#define BLOCKLIST_PATTERN_MAX 200
#define BLOCKLIST_FOLDED_MAX 800
/* Words of a phrase. */
#define BLOCKLIST_PHRASE_WORDS 12
/* The widest ranges an entry may block: one typo ("/2" for "/24") must not
 * hold every comment of a continent. */
#define BLOCKLIST_IPV4_MIN_PREFIX 8
#define BLOCKLIST_IPV6_MIN_PREFIX 16
/* Bytes of a moderator's note. */
#define BLOCKLIST_NOTE_MAX 500

/* Why a pattern was refused. */
enum blocklist_pattern_status {
	BLOCK_PATTERN_OK,
	BLOCK_PATTERN_EMPTY,		/* nothing, or only white space */
	BLOCK_PATTERN_TOO_LONG,		/* over BLOCKLIST_PATTERN_MAX bytes, or too
					 * many words, or its folding too long */
	BLOCK_PATTERN_ENCODING,		/* not UTF-8, a NUL or a control character */
	BLOCK_PATTERN_NO_WORDS,		/* a word entry with no letter or digit */
	BLOCK_PATTERN_EMAIL,		/* not an address or a domain */
	BLOCK_PATTERN_ADDRESS,		/* not an IP address or CIDR range */
	BLOCK_PATTERN_TOO_WIDE,		/* a range wider than the minimum prefixes */
	BLOCK_PATTERN__MAX
};

/* The catalog key of the message for s ("admin.error.block_empty", …) and
 * a plain English sentence for the command line. */
const char *blocklist_pattern_message_key(enum blocklist_pattern_status s);
const char *blocklist_pattern_message(enum blocklist_pattern_status s);

/* Checks a pattern of kind k as typed. On BLOCK_PATTERN_OK, *clean is the
 * pattern to keep and show (cleaned like a comment's name: NFC, invisible
 * and bidi characters removed, trimmed) and *folded its canonical form,
 * both in the arena:
 * - word: the folding (fold.h), e.g. "كـلاه‌بردار" → "کلاهبردار";
 * - email: lower case, "user@example.com" or "example.com" (a leading "@"
 *   or "*." and a trailing dot taken off);
 * - address: the network with host bits cleared, in inet_ntop form, with
 *   "/prefix" unless it is a single address: "203.0.113.7",
 *   "203.0.113.0/24", "2001:db8::/32"; IPv4-mapped IPv6 written as IPv4.
 * Otherwise both are NULL. Never reads more than BLOCKLIST_PATTERN_MAX + 1
 * bytes of what it refuses for length. */
enum blocklist_pattern_status blocklist_normalize(struct arena *a, enum blocklist_kind k,
    const char *pattern, const char **clean, const char **folded);

/* One entry, as the store keeps it. */
struct blocklist_entry {
	int64_t id;
	enum blocklist_kind kind;
	enum blocklist_action action;
	char *pattern;		/* as typed (cleaned) */
	char *folded;		/* canonical form (blocklist_normalize) */
	char *note;		/* "" when none */
	int64_t created;	/* Unix time */
	char *created_by;	/* user name, or "nazarctl" */
};

/* A compiled list: immutable once built, so any number of threads may
 * match against it at once. */
struct blocklist;

/* Builds the list from n entries (copied; the array may go away). Each
 * pattern is normalized again, so that the list follows this build's
 * folding even when the stored folded column predates it; an entry whose
 * pattern no longer passes is left out and counted in *skipped (may be
 * NULL). Never NULL: allocation failure aborts, like the arena. */
struct blocklist *blocklist_compile(const struct blocklist_entry *e, size_t n, size_t *skipped);
void blocklist_free(struct blocklist *bl);
/* Entries compiled in. */
size_t blocklist_size(const struct blocklist *bl);

/* What a comment is matched on; any field may be NULL or "". */
struct blocklist_subject {
	const char *name;
	const char *email;
	const char *body;
	const char *remote_addr;
};

/* The entry that decided: points into the list, valid while it is. */
struct blocklist_match {
	int64_t id;
	enum blocklist_kind kind;
	enum blocklist_action action;
	const char *pattern;
};

/* True when an entry matches s; *m is then the strongest (see above). */
bool blocklist_match(const struct blocklist *bl, const struct blocklist_subject *s,
    struct blocklist_match *m);

/* "blocklist: word «کلاهبردار»": the reason stored with the comment and
 * shown in the moderation queue. */
char *blocklist_reason(struct arena *a, const struct blocklist_match *m);

/* Holders of a shared list (blocklist_cache.h) count themselves here;
 * the caller serializes these under its own lock. A new list has none.
 * blocklist_unref returns how many are left. */
void blocklist_ref(struct blocklist *bl);
int blocklist_unref(struct blocklist *bl);

#endif
