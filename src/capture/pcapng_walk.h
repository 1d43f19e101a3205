/* pcapng_walk.h - a bounds-checked walker over the blocks of a pcapng file.
 *
 * specification: draft-ietf-opsawg-pcapng (Section Header, Interface
 * Description, Enhanced/Simple/obsolete Packet Blocks, epb_flags).
 *
 * libpcap reads pcapng packets but does not say which interface (IDB) a
 * packet came from, nor its epb_flags direction. The walker reads the same
 * file alongside libpcap, block by block, through its own descriptor: it
 * reads block headers, the fixed part of packet blocks and the few options it
 * needs, and seeks over packet data unless asked for it. Every length comes
 * from the file and is checked before it is used; every block moves the
 * position forward by at least 12 bytes, so a hostile file ends the walk (with
 * an error) instead of looping or reading out of bounds.
 *
 * Interface ids are numbered across the whole file: the n-th IDB of the file
 * is interface n-1, whatever its section. For a one-section file (nearly all
 * files) this is the pcapng interface id; in later sections it differs from
 * the section-local id, which tshark 4.0 prints as frame.interface_id.
 */
#ifndef PKTPATH_PCAPNG_WALK_H
#define PKTPATH_PCAPNG_WALK_H

#include <stdbool.h>
#include <stdint.h>

#define PCAPNG_WALK_MAX_IFACES 65536u /* more IDBs than this in one file: error */
#define PCAPNG_WALK_MAX_NAME   256u   /* longer if_name/if_description are cut */

struct pcapng_iface {
	uint16_t linktype; /* LINKTYPE_ value as stored in the IDB */
	int dlt;           /* the DLT_ value libpcap maps it to */
	uint32_t snaplen;  /* adjusted as libpcap does: 0 or too large -> maximum */
	uint64_t tsresol;  /* time stamp units per second */
	uint8_t tsexp;     /* resolution exponent (10^-tsexp or 2^-tsexp) */
	bool tsbinary;
	int64_t tsoffset;        /* seconds added to every time stamp (if_tsoffset) */
	uint64_t ns_mul, ns_div; /* decimal resolutions: fraction -> ns */
	char *name;              /* if_name, printable, or NULL */
	char *descr;             /* if_description, printable, or NULL */
};

struct pcapng_pkt {
	uint32_t iface; /* file-wide interface number (see above) */
	uint32_t caplen, len;
	int64_t ts;          /* ns since the epoch, if_tsresol/if_tsoffset applied */
	uint8_t dir;         /* enum pp_dir: from epb_flags bits 0-1, else unknown */
	const uint8_t *data; /* with want_data only; NULL if caplen > max_data */
	uint64_t offset;     /* file offset of the packet's block */
};

enum pcapng_walk_status {
	PCAPNG_WALK_PACKET = 1,
	PCAPNG_WALK_END = 0,        /* clean end of file */
	PCAPNG_WALK_BAD = -1,       /* malformed block, or I/O error: see pcapng_walk_error() */
	PCAPNG_WALK_TRUNCATED = -2, /* the file ends inside a block */
};

struct pcapng_walk;

/* Opens path for walking. max_data bounds the packet bytes next() will read
 * when asked for data (larger packets are skipped, data NULL). Returns NULL
 * with errno set when the file cannot be opened, or when it does not start
 * with a Section Header Block (errno EINVAL). */
struct pcapng_walk *pcapng_walk_open(const char *path, uint32_t max_data);

/* Advances to the next packet block (EPB, SPB or PB) and describes it in *p.
 * With want_data, p->data points to the packet bytes, valid until the next
 * call. After BAD or TRUNCATED every further call returns the same. */
int pcapng_walk_next(struct pcapng_walk *w, struct pcapng_pkt *p, bool want_data);

/* Why the walk stopped (BAD/TRUNCATED), e.g. "block at offset 120 has length 7". */
const char *pcapng_walk_error(const struct pcapng_walk *w);

/* True once the walk has passed a block that libpcap 1.10 refuses in the
 * middle of a file: an IDB whose link type or snapshot length differs from
 * the first IDB's, or a section in the other byte order. libpcap stops with
 * an error there; the walker reads on. */
bool pcapng_walk_libpcap_stops(const struct pcapng_walk *w);

uint32_t pcapng_walk_niface(const struct pcapng_walk *w);
/* Interface by file-wide number, or NULL. */
const struct pcapng_iface *pcapng_walk_iface(const struct pcapng_walk *w, uint32_t iface);

void pcapng_walk_close(struct pcapng_walk *w);

/* What the capture itself lost, from the Interface Statistics Blocks at the
 * end of the file (dumpcap writes them when it stops): isb_ifdrop +
 * isb_osdrop summed over the interfaces, and the span the counters cover
 * (INT64_MIN/INT64_MAX where the blocks do not say). */
struct pcapng_drops {
	uint64_t drops;
	int64_t from, to;
	unsigned blocks; /* statistics blocks read */
};

/* Reads them from the end of the file; the walk must have read the IDBs
 * (one pcapng_walk_next()). 0, or -1 when the file cannot be read so. */
int pcapng_walk_tail_drops(struct pcapng_walk *w, struct pcapng_drops *d);
/* Puts the span in the units of a packet's time stamp ref (ns) where the
 * writer used microseconds; drops a time that fits neither. */
void pcapng_drops_near(struct pcapng_drops *d, int64_t ref);

/* libpcap's mapping of a LINKTYPE_ value to a DLT_ value, and its snapshot
 * length adjustment (0 or above the link type's maximum -> maximum). */
int pcapng_linktype_to_dlt(uint32_t linktype);
uint32_t pcapng_adjust_snaplen(int dlt, uint32_t snaplen);

#endif
