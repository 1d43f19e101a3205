/* pcapng_write.h - a small pcapng writer: one section, interfaces, packets
 * with comments.
 *
 * specification: draft-ietf-opsawg-pcapng (Section Header Block, Interface
 * Description Block, Enhanced Packet Block, opt_comment, epb_flags).
 *
 * Blocks are written little-endian; time stamps in nanoseconds (if_tsresol
 * 9 on every interface). Every length is checked before a block is built,
 * so a block's total length always fits its 32-bit field.
 */
#ifndef PKTPATH_PCAPNG_WRITE_H
#define PKTPATH_PCAPNG_WRITE_H

#include <stdint.h>
#include <stdio.h>

#define PCAPNG_WRITE_MAX_OPT 65535u /* longest option value (a 16-bit length) */

struct pcapng_writer;

/* Starts a section on out (which the caller closes) with shb_userappl. */
struct pcapng_writer *pcapng_writer_new(FILE *out, const char *userappl);

/* Adds an interface; returns its id (0, 1, ... in order), or -1 on a write
 * error. linktype is a LINKTYPE_ value; name and descr may be NULL. */
int64_t pcapng_writer_iface(struct pcapng_writer *w, uint16_t linktype, uint32_t snaplen,
                            const char *name, const char *descr);

/* Adds a packet of interface iface: ts_ns since the epoch (negative
 * values are written as 0), caplen bytes of data of a len-byte packet.
 * flags is the epb_flags word, 0 for none; comment may be NULL. Option
 * values longer than PCAPNG_WRITE_MAX_OPT are cut. Returns 0, or -1 on a
 * write error or a caplen the format cannot hold. */
int pcapng_writer_packet(struct pcapng_writer *w, uint32_t iface, int64_t ts_ns,
                         const uint8_t *data, uint32_t caplen, uint32_t len, uint32_t flags,
                         const char *comment);

/* Frees the writer; returns 0, or the errno of the first write that failed
 * (EINVAL for a packet the format cannot hold). Does not close out. */
int pcapng_writer_free(struct pcapng_writer *w);

/* The LINKTYPE_ value files store for a DLT_ value of this platform. */
uint16_t pcapng_dlt_to_linktype(int dlt);

#endif
