/* fuzz.h — what every libFuzzer harness of nazar shares: the entry points
 * libFuzzer calls and the check that turns a broken invariant into a crash.
 *
 * A harness does more than survive its input: it states what must hold of
 * the result (limits kept, output escaped, round trips exact) and aborts
 * when it does not, so that libFuzzer saves the input as a crash. */
#ifndef NAZAR_FUZZ_H
#define NAZAR_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* Aborts with the file, line and the condition that failed. */
#define FUZZ_CHECK(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
		abort(); \
	} \
} while (0)

#endif
