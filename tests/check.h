/* check.h - the assertion macros of the C unit tests, in one place so that
 * every test counts and reports a failed check the same way.
 *
 * A test includes it once, then ends main with its own summary built on
 * `checks` and `failures`. Before the include a test may define:
 *   CHECK_PRINT(...)  where failure messages go (default: stderr), for tests
 *                     that capture or redirect stderr;
 *   CHECK_CONTEXT     the string shown in brackets in a message (default: the
 *                     variable check_context, "" until the test sets it).
 * CHECK_MSG is the primitive for file-specific checks with their own message.
 */
#ifndef PKTPATH_TESTS_CHECK_H
#define PKTPATH_TESTS_CHECK_H

#include <stdio.h>

static unsigned checks __attribute__((unused)), failures __attribute__((unused));
static const char *check_context __attribute__((unused)) = "";

#ifndef CHECK_PRINT
#define CHECK_PRINT(...) fprintf(stderr, __VA_ARGS__)
#endif

#ifndef CHECK_CONTEXT
#define CHECK_CONTEXT check_context
#endif

/* Counts a check; when cond is false, counts a failure and prints
 * "FILE:LINE: [context] " and then the printf-style message. */
#define CHECK_MSG(cond, ...)                                                                       \
	do {                                                                                       \
		checks++;                                                                          \
		if (!(cond)) {                                                                     \
			const char *check_ctx_ = (CHECK_CONTEXT);                                  \
			failures++;                                                                \
			CHECK_PRINT("%s:%d: %s%s%s", __FILE__, __LINE__, *check_ctx_ ? "[" : "",   \
			            check_ctx_, *check_ctx_ ? "] " : "");                          \
			CHECK_PRINT(__VA_ARGS__);                                                  \
		}                                                                                  \
	} while (0)

#define CHECK(cond) CHECK_MSG(cond, "check failed: %s\n", #cond)

/* Integers (and enums) compared as 64-bit values; both shown in decimal and hex. */
#define CHECK_EQ(a, b)                                                                             \
	do {                                                                                       \
		unsigned long long check_a_ = (unsigned long long)(a);                             \
		unsigned long long check_b_ = (unsigned long long)(b);                             \
		CHECK_MSG(check_a_ == check_b_,                                                    \
		          "check failed: %s == %s (%lld != %lld, 0x%llx != 0x%llx)\n", #a, #b,     \
		          (long long)check_a_, (long long)check_b_, check_a_, check_b_);           \
	} while (0)

#endif
