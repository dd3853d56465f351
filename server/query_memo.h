/*
 * query_memo.h - a query's document held for one session while it is handed
 * out in parts that each fit in a frame (docs/decisions.md 48).
 */
#ifndef RENBIN_QUERY_MEMO_H
#define RENBIN_QUERY_MEMO_H

#include <stddef.h>
#include <stdint.h>

struct query_memo;

/* Holds json (len bytes, malloc'd: taken over, also on failure) made at
 * `at` for the query that key names, cut into parts of at most slice bytes
 * each ending on a UTF-8 character boundary (slice > 3). NULL when out of
 * memory. */
struct query_memo *query_memo_new(const char *key, char *json, size_t len, size_t slice,
                                  int64_t at);
/* Releases m (NULL is fine). */
void query_memo_free(struct query_memo *m);
/* True if m holds the document of the query that key names. */
int query_memo_is(const struct query_memo *m, const char *key);
/* How many parts m has. */
uint32_t query_memo_parts(const struct query_memo *m);
/* When m's document was made (Unix seconds). */
int64_t query_memo_at(const struct query_memo *m);
/* The bytes of part (1..parts) of m's document; *len gets their count. */
const char *query_memo_part(const struct query_memo *m, uint32_t part, size_t *len);

#endif
