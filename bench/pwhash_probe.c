/* pwhash_probe.c — Argon2id as nazar calls it (src/auth.c: the INTERACTIVE
 * limits), from the libsodium nazar links: the parameters, the stored
 * string's prefix, and the time of one verification without HTTP.
 *
 * Built by make (bench/pwhash_probe) and run by bench/signin.sh; not part
 * of nazar.
 *
 *   pwhash_probe [N]	N verifications, 1..100 (10) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "num.h"

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int
main(int argc, char **argv)
{
	int64_t n = 10;
	char h[crypto_pwhash_STRBYTES];
	const char pw[] = "correct horse battery";
	double ms[100];

	if (argc > 1 && !num_parse(argv[1], 1, 100, &n)) {
		fprintf(stderr, "usage: pwhash_probe [1..100]\n");
		return 2;
	}
	if (sodium_init() < 0)
		return 1;
	printf("libsodium %s\n", sodium_version_string());
	printf("algorithm %s\n", crypto_pwhash_alg_default() == crypto_pwhash_ALG_ARGON2ID13 ?
	    "Argon2id v1.3" : "other");
	printf("opslimit %zu\n", (size_t)crypto_pwhash_OPSLIMIT_INTERACTIVE);
	printf("memlimit %zu\n", (size_t)crypto_pwhash_MEMLIMIT_INTERACTIVE);
	if (crypto_pwhash_str(h, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return 1;
	printf("string %.*s\n", (int)(strrchr(h, '$') - h), h);
	for (int64_t i = 0; i < n; i++) {
		struct timespec a, b;
		clock_gettime(CLOCK_MONOTONIC, &a);
		if (crypto_pwhash_str_verify(h, pw, strlen(pw)) != 0)
			return 1;
		clock_gettime(CLOCK_MONOTONIC, &b);
		ms[i] = (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6;
	}
	qsort(ms, (size_t)n, sizeof(ms[0]), cmp);
	printf("verify_ms %.1f %.1f %.1f\n", ms[0], ms[n / 2], ms[n - 1]);
	return 0;
}
