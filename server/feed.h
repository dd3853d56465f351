/*
 * feed.h - the change feed and the audit chain (feed.c): what an entity
 * handler calls after it has written a synced row, and what the group commit
 * calls before COMMIT. The rows a batch marks live in its apply_ctx (batch.h).
 */
#ifndef RENBIN_FEED_H
#define RENBIN_FEED_H

#include "batch.h"

/* Appends the current state of row id of def to the change feed and the
 * audit chain, and stamps the row with its new sequence. */
int feed_record(struct apply_ctx *cx, const struct entity_def *def, const char *id);
/* The sequence the next change takes, read once per transaction and then
 * followed in memory: a row inserted with it as its seq is recorded by
 * feed_created, with no stamp. 0 with *seq, or -1 with cx->e set. */
int feed_seq_next(struct apply_ctx *cx, uint64_t *seq);
/* Records row id of def, just inserted with seq from feed_seq_next and no
 * change written since: as feed_record, with no previous change to look
 * for and no stamp. */
int feed_created(struct apply_ctx *cx, const struct entity_def *def, const char *id, uint64_t seq);
/* One field's value of a row being created, as it is bound (NULL: the
 * column is NULL). */
struct feed_value {
        const char *name, *value;
};
/* Inserts row id of def with the feed's next seq and row (the value of
 * every field of def, by name, in the catalogue's order for speed), and
 * records it as feed_created does, its snapshot packed from those values
 * instead of the row read back: for a row no trigger or default changes as
 * it is written, with integers given as their canonical decimal. 0; 1 with
 * cx->e when the INSERT itself failed, its code left on cx->db (a unique
 * index's refusal); -1 with cx->e for any other failure. */
int feed_insert(struct apply_ctx *cx, const struct entity_def *def, const char *id,
                const struct feed_value *row, size_t n);
/* Marks row id of def changed: its change is recorded by feed_flush, once
 * however many ops of the batch change it. The op's own seq is not moved. */
int feed_mark(struct apply_ctx *cx, const struct entity_def *def, const char *id);
/* Records the marked rows and stores the audit head; call before COMMIT. */
int feed_flush(struct apply_ctx *cx, struct rb_err *e);

#endif
