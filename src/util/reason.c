/* reason.c - the single table of reason, layer and note names. */
#include "pktpath/reason.h"

#define PP_X_NAME(id, name) [id] = name,

static const char *const reason_names[] = {[PP_OK] = "ok", PP_REASON_LIST(PP_X_NAME)};
static const char *const layer_names[] = {PP_LAYER_LIST(PP_X_NAME)};
static const char *const note_names[] = {PP_NOTE_LIST(PP_X_NAME)};

_Static_assert(sizeof reason_names / sizeof reason_names[0] == PP_R__COUNT, "reason table");
_Static_assert(sizeof layer_names / sizeof layer_names[0] == PP_L__COUNT, "layer table");
_Static_assert(sizeof note_names / sizeof note_names[0] == PP_N__COUNT, "note table");

const char *reason_name(enum pp_reason r)
{
	return (unsigned)r < PP_R__COUNT ? reason_names[r] : "unknown";
}

const char *layer_name(enum pp_layer l)
{
	return (unsigned)l < PP_L__COUNT ? layer_names[l] : "unknown";
}

const char *note_name(enum pp_note n)
{
	return (unsigned)n < PP_N__COUNT ? note_names[n] : "unknown";
}

void counts_add(struct pp_counts *dst, const struct pp_counts *src)
{
	dst->read += src->read;
	for (int i = 0; i < PP_R__COUNT; i++)
		dst->ignored[i] += src->ignored[i];
	for (int i = 0; i < PP_L__COUNT; i++)
		dst->decoded[i] += src->decoded[i];
	for (int i = 0; i < PP_N__COUNT; i++)
		dst->notes[i] += src->notes[i];
}

uint64_t counts_ignored_total(const struct pp_counts *c)
{
	uint64_t n = 0;

	for (int i = 1; i < PP_R__COUNT; i++)
		n += c->ignored[i];
	return n;
}
