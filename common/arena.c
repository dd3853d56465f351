/*
 * arena.c - bump allocator for per-request and per-command memory.
 */
#include "arena.h"
#include "log.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_BLOCK 8192

struct arena_block {
        struct arena_block *next;
        size_t size, used;
        max_align_t data[];
};

void *arena_alloc_raw(struct arena *a, size_t n)
{
        struct arena_block *b = a->head;
        size_t align = sizeof(max_align_t), want = (n + align - 1) / align * align;
        void *p;

        if (want < n)
                fatal("arena: size overflow");
        if (b == NULL || b->size - b->used < want) {
                size_t size = want > ARENA_BLOCK ? want : ARENA_BLOCK;
                if ((b = malloc(sizeof(*b) + size)) == NULL)
                        fatal("arena: out of memory");
                b->size = size;
                b->used = 0;
                b->next = a->head;
                a->head = b;
        }
        p = (char *)b->data + b->used;
        b->used += want;
        return p;
}

void *arena_alloc(struct arena *a, size_t n)
{
        return memset(arena_alloc_raw(a, n), 0, n);
}

void *arena_calloc(struct arena *a, size_t n, size_t sz)
{
        if (sz != 0 && n > SIZE_MAX / sz)
                fatal("arena: size overflow");
        return arena_alloc(a, n * sz);
}

char *arena_strdup(struct arena *a, const char *s)
{
        size_t n = strlen(s) + 1;
        return memcpy(arena_alloc(a, n), s, n);
}

void arena_adopt(struct arena *to, struct arena *from)
{
        struct arena_block **tail = &to->head;

        /* Behind to's blocks: its head stays the one it allocates from. */
        while (*tail != NULL)
                tail = &(*tail)->next;
        *tail = from->head;
        from->head = NULL;
}

void arena_free(struct arena *a)
{
        struct arena_block *b, *next;

        for (b = a->head; b != NULL; b = next) {
                next = b->next;
                free(b);
        }
        a->head = NULL;
}
