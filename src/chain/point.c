/* point.c - the registry of capture points and nodes (see point.h). */
#include <stdlib.h>
#include <string.h>

#include "util/msg.h"
#include "chain/point.h"

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (!p)
		msg_oom("capture points", n);
	return p;
}

static char *xstrdup(const char *s)
{
	char *d = strdup(s);

	if (!d)
		msg_oom("capture points", strlen(s) + 1);
	return d;
}

void point_reg_init(struct point_reg *r)
{
	memset(r, 0, sizeof *r);
	r->cap = POINT_MAX;
	r->v = calloc(r->cap, sizeof *r->v);
	if (!r->v || htab_init(&r->index, 64) < 0)
		msg_oom("capture points", r->cap * sizeof *r->v);
}

void point_reg_free(struct point_reg *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->v[i].name);
		free(r->v[i].node);
		for (size_t f = 0; f < r->v[i].nfiles; f++)
			free(r->v[i].files[f]);
		free(r->v[i].files);
		free(r->v[i].gaps);
		free(r->v[i].quiet);
	}
	free(r->v);
	free(r->keys);
	htab_free(&r->index);
	for (size_t i = 0; i < r->nnodes; i++)
		free(r->nodes[i]);
	free(r->nodes);
	memset(r, 0, sizeof *r);
}

uint32_t point_node(struct point_reg *r, const char *node)
{
	for (size_t i = 0; i < r->nnodes; i++) {
		if (strcmp(r->nodes[i], node) == 0)
			return (uint32_t)i;
	}
	r->nodes = xrealloc(r->nodes, (r->nnodes + 1) * sizeof *r->nodes);
	r->nodes[r->nnodes] = xstrdup(node);
	return (uint32_t)r->nnodes++;
}

static uint64_t key_hash(uint32_t input, uint32_t ifkey)
{
	return htab_mix64((uint64_t)input << 32 | ifkey);
}

/* Hashed: a hostile -i any file may name thousands of interfaces. */
uint32_t point_find(const struct point_reg *r, uint32_t input, uint32_t ifkey)
{
	struct htab_iter it;
	uint32_t i;

	for (int ok = htab_first(&r->index, key_hash(input, ifkey), &it, &i); ok;
	     ok = htab_next(&r->index, &it, &i)) {
		if (r->keys[i].input == input && r->keys[i].ifkey == ifkey)
			return r->keys[i].point;
	}
	return UINT32_MAX;
}

uint32_t point_get(struct point_reg *r, uint32_t input, uint32_t ifkey, const char *name,
                   const char *node, char *const *files, size_t nfiles)
{
	uint32_t id = point_find(r, input, ifkey);
	struct chain_point *p;

	if (id != UINT32_MAX)
		return id;
	if (r->n == r->cap) {
		r->overflow++;
		return ifkey == POINT_BASE ? 0 : point_find(r, input, POINT_BASE);
	}
	id = (uint32_t)r->n++;
	p = &r->v[id];
	memset(p, 0, sizeof *p);
	p->name = xstrdup(name);
	p->node = xstrdup(node);
	p->node_id = point_node(r, node);
	p->input = input;
	p->files = calloc(nfiles ? nfiles : 1, sizeof *p->files);
	if (!p->files)
		msg_oom("capture points", (nfiles ? nfiles : 1) * sizeof *p->files);
	for (size_t i = 0; i < nfiles; i++)
		p->files[i] = xstrdup(files[i]);
	p->nfiles = nfiles;
	if (r->nkeys == r->capkeys) {
		r->capkeys = r->capkeys ? r->capkeys * 2 : 16;
		r->keys = xrealloc(r->keys, r->capkeys * sizeof *r->keys);
	}
	if (htab_put(&r->index, key_hash(input, ifkey), (uint32_t)r->nkeys) < 0)
		msg_oom("capture point index", 0);
	r->keys[r->nkeys++] = (struct point_key){input, ifkey, id};
	return id;
}
