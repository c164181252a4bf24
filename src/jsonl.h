/* jsonl.h — JSON records from a file that may be hostile, for imports:
 * the lines of a JSON Lines file (nazar's export, a Remark42 backup) or
 * the members of one JSON document's top-level object, each element of an
 * array member on its own (a Commento export), so that a file of any size
 * is read in memory bounded by its largest record.
 *
 * Each record is parsed by jansson, strictly: RFC 8259, UTF-8 only (bytes
 * that are not are an error, never replaced), no NUL in strings, no
 * duplicate keys, integers within 64 bits. Records are bounded in bytes
 * (max_record) and in nesting (JSONL_MAX_DEPTH); an error names the line
 * and says what is wrong. */
#ifndef NAZAR_JSONL_H
#define NAZAR_JSONL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

/* Arrays and objects inside one another, at most, in one record. */
#define JSONL_MAX_DEPTH 64
/* A record's bytes unless the caller says otherwise. */
#define JSONL_DEFAULT_MAX_RECORD (8u * 1024 * 1024)

struct jsonl;

/* A reader over a file (NULL with err: it cannot be opened or is not a
 * regular file) or over len bytes in memory (kept by the caller). */
struct jsonl *jsonl_open(const char *path, size_t max_record, char *err, size_t errlen);
struct jsonl *jsonl_memory(const char *data, size_t len, size_t max_record);
void jsonl_close(struct jsonl *r);

/* JSON Lines: the next line's value in *out (the caller json_decrefs it).
 * Blank lines (white space only) are skipped; a '\r' before the '\n' and
 * a UTF-8 byte-order mark at the start of the file are allowed. 1: a
 * record; 0: the end of the file; -1: err says what is wrong (the reader
 * stops there). */
int jsonl_next(struct jsonl *r, json_t **out, char *err, size_t errlen);

/* One JSON document whose top level is an object: for each member, in the
 * file's order, member(arg, key, index, value): an array's elements one
 * at a time with index 0, 1, …, any other value once with index -1. value
 * is borrowed (valid during the call). A nonzero return stops the walk
 * and is returned. 0 when the whole document was read; -1 with err for a
 * document that is not such an object, is cut short, or has anything
 * after it. */
typedef int (*jsonl_member_fn)(void *arg, const char *key, int64_t index, json_t *value);
int jsonl_document(struct jsonl *r, jsonl_member_fn member, void *arg, char *err,
    size_t errlen);

/* A record's fields: the string under key, or NULL when there is none or
 * it is not a string; whether key holds true; the integer under key, or
 * def. obj may be NULL or not an object. */
const char *jsonl_str(const json_t *obj, const char *key);
bool jsonl_true(const json_t *obj, const char *key);
int64_t jsonl_int(const json_t *obj, const char *key, int64_t def);
/* The time under key, an RFC 3339 string (locale_parse_iso8601), as Unix
 * seconds; 0 when there is none, it is not one, or before 1970. */
int64_t jsonl_time(const json_t *obj, const char *key);

/* Where the reader is: bytes read of the whole (0 when unknown), and the
 * line (1-based) it reached. */
uint64_t jsonl_done(const struct jsonl *r);
uint64_t jsonl_total(const struct jsonl *r);
int64_t jsonl_line(const struct jsonl *r);

#endif
