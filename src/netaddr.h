/* netaddr.h — client addresses as 16 bytes: parsed from text, masked to a
 * prefix, written back as text. The post limits and the sign-in throttle
 * group addresses with it (antispam.h); the blocklist's address entries are
 * ranges of it (blocklist.h).
 *
 * IPv4 is kept as IPv4-mapped IPv6 (::ffff:a.b.c.d), so one client is one
 * address over both socket types; prefixes count the 128 bits, an IPv4
 * prefix p being 96 + p. */
#ifndef NAZAR_NETADDR_H
#define NAZAR_NETADDR_H

#include <stdbool.h>
#include <stddef.h>

#define NETADDR_BYTES 16
/* Room for any address or range as text, NUL included
 * ("ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255/128"). */
#define NETADDR_TEXT_MAX 52
/* Bits of the IPv4-mapped prefix ::ffff:0:0/96. */
#define NETADDR_V4_OFFSET 96

/* Parses s[0..len): an IPv4 address in dotted-quad form (stored mapped) or
 * an IPv6 address. Nothing else: no zone, no brackets, no spaces. */
bool netaddr_parse(const char *s, size_t len, unsigned char out[NETADDR_BYTES]);
/* A client's address as the server was given it: the same, with a zone
 * ("fe80::1%eth0") ignored. NULL is refused. */
bool netaddr_parse_client(const char *s, unsigned char out[NETADDR_BYTES]);
/* "address[/prefix]": the address and its prefix in 128-bit terms (an
 * IPv4 text's prefix counts from bit 96; without "/" the whole address).
 * The prefix is decimal, without leading zeros, at most the family's
 * width. The host bits are left as written. */
bool netaddr_parse_range(const char *s, size_t len, unsigned char net[NETADDR_BYTES],
    int *prefix);

/* Whether a is an IPv4 (mapped) address. */
bool netaddr_is_v4(const unsigned char a[NETADDR_BYTES]);
/* Clears the bits after the first prefix (clamped to 0..128). */
void netaddr_mask(unsigned char a[NETADDR_BYTES], int prefix);
/* Whether a lies in net/prefix (prefix in 128-bit terms). */
bool netaddr_in_range(const unsigned char a[NETADDR_BYTES],
    const unsigned char net[NETADDR_BYTES], int prefix);

/* a in inet_ntop form; a mapped address as IPv4 ("203.0.113.7"). */
void netaddr_text(const unsigned char a[NETADDR_BYTES], char out[NETADDR_TEXT_MAX]);
/* net/prefix as text: "203.0.113.0/24" for a mapped net with a prefix of
 * at least 96, "2001:db8::/32" otherwise. */
void netaddr_range_text(const unsigned char net[NETADDR_BYTES], int prefix,
    char out[NETADDR_TEXT_MAX]);

#endif
