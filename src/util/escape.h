/* escape.h - names from customers' files (capture and folder names,
 * pcapng interface names, topologies) made safe to show.
 *
 * A name is bytes. Shown to a person (text report, Markdown, DOT, stderr)
 * it must not reach a terminal as control sequences, and documents that
 * must be UTF-8 (Markdown, DOT and the SVG dot makes of it, JSON) must stay
 * valid. The rules, in pktpath(1):
 *   - C0 controls as \a \b \t \n \v \f \r or three-digit octal (\033), DEL
 *     as \177, as ls -b and tcpdump print them;
 *   - each byte that is not part of valid UTF-8 as \xNN (two lower-case
 *     hex digits), so that two names that differ only there stay apart;
 *   - C1 controls (U+0080..U+009F) and the noncharacters U+FFFE and U+FFFF
 *     (not allowed in XML) as the \xNN of their bytes;
 *   - everything else, backslashes included, as it is.
 * JSON keeps controls (JSON escapes them) and writes only invalid bytes as
 * \xNN.
 */
#ifndef PKTPATH_ESCAPE_H
#define PKTPATH_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Length of the valid UTF-8 sequence of two to four bytes at p (at most n
 * bytes), 0 if none: no overlong forms, no surrogates, nothing above
 * U+10FFFF. */
size_t esc_utf8_seq(const unsigned char *p, size_t n);

/* s with the rules above into out[len] (always terminated; an escape is
 * never cut in half). Returns the length written. */
size_t esc_text(char *out, size_t len, const char *s);

/* s with the rules above, written to f. */
void esc_fputs(FILE *f, const char *s);

/* A copy of s (to free) in which each byte that is not part of valid UTF-8
 * is the four characters \xNN; everything else is kept. */
char *esc_utf8_clean(const char *s);

#endif
