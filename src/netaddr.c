/* netaddr.c — addresses parsed, masked and written; see netaddr.h. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "netaddr.h"
#include "num.h"

/* Longer texts are no address (the longest IPv6 text is 45 bytes). */
#define ADDR_TEXT_MAX 64

static const unsigned char mapped_prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

bool
netaddr_parse(const char *s, size_t len, unsigned char out[NETADDR_BYTES])
{
	char tmp[ADDR_TEXT_MAX];
	unsigned char v4[4];

	if (s == NULL || len == 0 || len >= sizeof(tmp) || memchr(s, '\0', len) != NULL)
		return false;
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	if (inet_pton(AF_INET, tmp, v4) == 1) {
		memcpy(out, mapped_prefix, sizeof(mapped_prefix));
		memcpy(out + 12, v4, 4);
		return true;
	}
	return inet_pton(AF_INET6, tmp, out) == 1;
}

bool
netaddr_parse_client(const char *s, unsigned char out[NETADDR_BYTES])
{
	if (s == NULL)
		return false;
	/* strcspn stops at the NUL: bounded by the string. */
	return netaddr_parse(s, strcspn(s, "%"), out);
}

bool
netaddr_parse_range(const char *s, size_t len, unsigned char net[NETADDR_BYTES], int *prefix)
{
	const char *slash = memchr(s, '/', len);
	size_t alen = slash != NULL ? (size_t)(slash - s) : len;
	if (!netaddr_parse(s, alen, net))
		return false;
	/* An IPv4 text is a mapped address: its prefix counts from bit 96. */
	bool v4_text = memchr(s, ':', alen) == NULL;
	int64_t max = v4_text ? 32 : 128, p = max;
	if (slash != NULL) {
		const char *d = slash + 1;
		size_t n = len - alen - 1;
		if (n == 0 || n > 3 || (n > 1 && d[0] == '0') || !num_parse_n(d, n, 0, max, &p))
			return false;
	}
	*prefix = (int)(v4_text ? p + NETADDR_V4_OFFSET : p);
	return true;
}

bool
netaddr_is_v4(const unsigned char a[NETADDR_BYTES])
{
	return memcmp(a, mapped_prefix, sizeof(mapped_prefix)) == 0;
}

void
netaddr_mask(unsigned char a[NETADDR_BYTES], int prefix)
{
	for (int i = 0; i < NETADDR_BYTES; i++) {
		int keep = prefix - i * 8;
		if (keep >= 8)
			continue;
		a[i] &= keep <= 0 ? 0 : (unsigned char)(0xff << (8 - keep));
	}
}

bool
netaddr_in_range(const unsigned char a[NETADDR_BYTES], const unsigned char net[NETADDR_BYTES],
    int prefix)
{
	unsigned char x[NETADDR_BYTES], y[NETADDR_BYTES];
	memcpy(x, a, sizeof(x));
	memcpy(y, net, sizeof(y));
	netaddr_mask(x, prefix);
	netaddr_mask(y, prefix);
	return memcmp(x, y, sizeof(x)) == 0;
}

void
netaddr_text(const unsigned char a[NETADDR_BYTES], char out[NETADDR_TEXT_MAX])
{
	if (netaddr_is_v4(a))
		inet_ntop(AF_INET, a + 12, out, NETADDR_TEXT_MAX);
	else
		inet_ntop(AF_INET6, a, out, NETADDR_TEXT_MAX);
}

void
netaddr_range_text(const unsigned char net[NETADDR_BYTES], int prefix,
    char out[NETADDR_TEXT_MAX])
{
	char text[INET6_ADDRSTRLEN];
	if (netaddr_is_v4(net) && prefix >= NETADDR_V4_OFFSET) {
		inet_ntop(AF_INET, net + 12, text, sizeof(text));
		prefix -= NETADDR_V4_OFFSET;
	} else
		inet_ntop(AF_INET6, net, text, sizeof(text));
	snprintf(out, NETADDR_TEXT_MAX, "%s/%d", text, prefix);
}
