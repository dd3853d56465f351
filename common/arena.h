/*
 * arena.h - a bump allocator that lives as long as one request or one command.
 * Responses are built in an arena and freed in one call after packing.
 */
#ifndef RENBIN_ARENA_H
#define RENBIN_ARENA_H

#include <stddef.h>

struct arena_block;

struct arena {
        struct arena_block *head;
};

#define ARENA_INIT                                                                                 \
        {                                                                                          \
                NULL                                                                               \
        }

/* Zeroed memory for n bytes; aborts on exhaustion (like xmalloc). */
void *arena_alloc(struct arena *a, size_t n);
/* Memory for n bytes, not cleared (for callers that fill all of it). */
void *arena_alloc_raw(struct arena *a, size_t n);
/* Zeroed array of n elements of size sz, overflow-checked. */
void *arena_calloc(struct arena *a, size_t n, size_t sz);
char *arena_strdup(struct arena *a, const char *s);
/* Moves every block of from into to (freed with it); from is left empty. */
void arena_adopt(struct arena *to, struct arena *from);
/* Frees every block. The arena can be used again afterwards. */
void arena_free(struct arena *a);

#endif
