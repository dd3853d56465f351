/*
 * query_memo.c - a query's serialized document and where its parts begin.
 */
#include "query_memo.h"

#include <stdlib.h>
#include <string.h>

struct query_memo {
        char *key;      /* the query's name and its arguments but part */
        char *json;     /* the whole document */
        size_t *starts; /* part i (1-based) is json[starts[i-1], starts[i]) */
        uint32_t parts;
        int64_t at;
};

/* Where a part that begins at off ends: at most slice bytes on, moved back
 * so that no UTF-8 character is cut. */
static size_t part_end(const char *json, size_t len, size_t off, size_t slice)
{
        size_t end = off + slice;

        if (end >= len)
                return len;
        while (end > off + 1 && ((unsigned char)json[end] & 0xC0) == 0x80)
                end--;
        return end;
}

struct query_memo *query_memo_new(const char *key, char *json, size_t len, size_t slice, int64_t at)
{
        struct query_memo *m = calloc(1, sizeof(*m));
        size_t n = slice > 3 ? len / (slice - 3) + 2 : 0;

        if (m == NULL || n == 0 || (m->key = strdup(key)) == NULL ||
            (m->starts = calloc(n + 1, sizeof(*m->starts))) == NULL) {
                free(json);
                query_memo_free(m);
                return NULL;
        }
        m->json = json;
        m->at = at;
        /* A part is never shorter than slice - 3 bytes, so n parts suffice. */
        while (m->starts[m->parts] < len && m->parts < n) {
                m->starts[m->parts + 1] = part_end(json, len, m->starts[m->parts], slice);
                m->parts++;
        }
        return m;
}

void query_memo_free(struct query_memo *m)
{
        if (m == NULL)
                return;
        free(m->key);
        free(m->json);
        free(m->starts);
        free(m);
}

int query_memo_is(const struct query_memo *m, const char *key)
{
        return m != NULL && strcmp(m->key, key) == 0;
}

uint32_t query_memo_parts(const struct query_memo *m)
{
        return m != NULL ? m->parts : 0;
}

int64_t query_memo_at(const struct query_memo *m)
{
        return m->at;
}

const char *query_memo_part(const struct query_memo *m, uint32_t part, size_t *len)
{
        *len = m->starts[part] - m->starts[part - 1];
        return m->json + m->starts[part - 1];
}
