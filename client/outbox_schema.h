/*
 * outbox_schema.h - the outbox's table as the replica's migrations make it
 * (client/replica.c lists them in order): the table and its index, then the
 * dismissed column, then the blanking of answers done before they were
 * blanked as they are answered. The SQL is the outbox's own (client/outbox.c defines
 * it); this header has no dependencies, so the replica, which every command
 * opens, does not depend on the outbox.
 */
#ifndef RENBIN_OUTBOX_SCHEMA_H
#define RENBIN_OUTBOX_SCHEMA_H

extern const char outbox_schema[];
extern const char outbox_schema_dismissed[];
extern const char outbox_schema_retried[];
extern const char outbox_schema_blank_answers[];

#endif
