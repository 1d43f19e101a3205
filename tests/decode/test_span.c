/* test_span.c - edge cases of the bounds-checked cursor and field readers:
 * 0 bytes, n-1, n, n+1, huge n, trimming, unaligned big/little-endian reads.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pktpath/span.h"

#include "check.h"

static void test_make(void)
{
	static const uint8_t b[4] = {1, 2, 3, 4};
	struct span s;

	s = span_make(b, 4, 10);
	CHECK(s.p == b && s.cap == 4 && s.wire == 10);
	/* A wire length below caplen is a broken record: never let wire < cap. */
	s = span_make(b, 4, 2);
	CHECK(s.cap == 4 && s.wire == 4);
	s = span_make(NULL, 0, 0);
	CHECK(s.cap == 0 && s.wire == 0);
	CHECK(span_pull(&s, 1) == NULL);
	CHECK(span_peek(&s, 1) == NULL);
}

static void test_pull(void)
{
	enum { N = 16 };
	uint8_t *b = malloc(N); /* exact size: ASan catches any read past it */
	struct span s;
	const uint8_t *h;

	if (b == NULL)
		return;
	for (int i = 0; i < N; i++)
		b[i] = (uint8_t)i;

	s = span_make(b, N, 100);
	h = span_pull(&s, 0);
	CHECK(h == b && s.cap == N && s.wire == 100);

	/* n + 1 and huge n consume nothing */
	CHECK(span_pull(&s, N + 1) == NULL);
	CHECK(span_pull(&s, SIZE_MAX) == NULL);
	CHECK(span_pull(&s, SIZE_MAX / 2 + 1) == NULL);
	CHECK(s.p == b && s.cap == N && s.wire == 100);
	CHECK(span_peek(&s, N + 1) == NULL);
	CHECK(span_peek(&s, SIZE_MAX) == NULL);

	/* n - 1, then the last byte, then nothing */
	h = span_peek(&s, N - 1);
	CHECK(h == b && s.cap == N);
	h = span_pull(&s, N - 1);
	CHECK(h == b && s.cap == 1 && s.wire == 100 - (N - 1));
	CHECK(span_pull(&s, 2) == NULL);
	h = span_pull(&s, 1);
	CHECK(h != NULL && h[0] == N - 1);
	CHECK(s.cap == 0 && s.wire == 100 - N);
	CHECK(span_pull(&s, 1) == NULL);
	CHECK(span_peek(&s, 1) == NULL);
	CHECK(span_peek(&s, 0) != NULL);

	/* exactly n */
	s = span_make(b, N, N);
	h = span_pull(&s, N);
	CHECK(h == b && s.cap == 0 && s.wire == 0);
	free(b);
}

static void test_trim(void)
{
	static const uint8_t b[32];
	struct span s;

	/* padding: wire and cap both cut */
	s = span_make(b, 32, 32);
	span_trim(&s, 20);
	CHECK(s.cap == 20 && s.wire == 20);
	/* snaplen-cut packet: wire limited, cap already below */
	s = span_make(b, 10, 1000);
	span_trim(&s, 500);
	CHECK(s.cap == 10 && s.wire == 500);
	/* trim to 0 */
	s = span_make(b, 32, 32);
	span_trim(&s, 0);
	CHECK(s.cap == 0 && s.wire == 0);
	CHECK(span_pull(&s, 1) == NULL);
}

static void test_readers(void)
{
	static const uint8_t b[9] = {0xff, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08};

	/* odd offsets: the readers must not assume alignment */
	CHECK(rd_u8(b) == 0xff);
	CHECK(rd_be16(b + 1) == 0x0102);
	CHECK(rd_be24(b + 1) == 0x010203);
	CHECK(rd_be32(b + 1) == 0x01020304u);
	CHECK(rd_le16(b + 1) == 0x0201);
	CHECK(rd_le32(b + 1) == 0x04030201u);
	CHECK(rd_be32(b + 5) == 0x05060708u);
	CHECK(rd_be16(b) == 0xff01);
	CHECK(rd_be32(b) == 0xff010203u);
	CHECK(rd_le32(b) == 0x030201ffu);
}

int main(void)
{
	test_make();
	test_pull();
	test_trim();
	test_readers();
	printf("test_span: %u checks, %u failed\n", checks, failures);
	return failures == 0 ? 0 : 1;
}
