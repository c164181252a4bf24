/* store_file.h — whether a file is a nazar database that nazar may open:
 * refused at start, with its path and the reason, when it is truncated,
 * not SQLite, another program's (its application id), of a newer schema
 * than this build knows, or damaged (PRAGMA quick_check).
 *
 * store_file_check reads the file's 100-byte header before SQLite opens
 * it; store_file_verify asks the open connection (what the header says may
 * still be in the write-ahead log) and runs quick_check, which reads every
 * page once: for start-up and nazarctl init, not for every connection. */
#ifndef NAZAR_STORE_FILE_H
#define NAZAR_STORE_FILE_H

#include <stddef.h>

#include "store.h"

/* PRAGMA application_id of a nazar database: "nazr". 0 (a file made
 * before schema 6, or a new one) is accepted and set by the migration. */
#define STORE_APPLICATION_ID 0x6E617A72

/* STORE_OK for a file that may be a nazar database (an empty one too),
 * STORE_NOT_FOUND when there is no file at path, else STORE_ERROR with
 * "PATH: reason" in err. */
enum store_result store_file_check(const char *path, char *err, size_t errlen);

/* After store_open: the application id and PRAGMA quick_check(1).
 * STORE_OK, or STORE_ERROR (STORE_BUSY when locked) with "PATH: reason". */
enum store_result store_file_verify(struct store *st, const char *path, char *err,
    size_t errlen);

#endif
