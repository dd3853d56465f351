/*
 * wire.h - packing protocol messages into frames, and small helpers for the
 * generated protobuf-c types that both sides use.
 */
#ifndef RENBIN_WIRE_H
#define RENBIN_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "err.h"
#include "renbin.pb-c.h"

#define PROTOCOL_VERSION 1

/* Packs m after a frame header into a malloc'd buffer of *len bytes. */
uint8_t *wire_pack(const ProtobufCMessage *m, size_t *len);
/* A Status built in arena a from e (OK when e is NULL). */
Renbin__Status *wire_status(struct arena *a, const struct rb_err *e);
/* Checks every string field in the encoded message of d (buf, len bytes),
 * nested messages included: none may hold a NUL byte (protobuf-c would cut
 * the string there unseen). 0, or -1 with e (INVALID_ARGUMENT naming the
 * field's path, e.g. "push.ops.fields.value", and the byte). A malformed
 * encoding is left to the unpacker; invalid UTF-8 to the rules that read
 * the strings (an op's is named and recorded, decisions 46). */
int wire_strings_check(const ProtobufCMessageDescriptor *d, const uint8_t *buf, size_t len,
                       struct rb_err *e);
/* A protobuf-c allocator that takes memory from arena a and frees nothing:
 * a message unpacked with it is freed with the arena, in one call (its
 * free_unpacked is then a no-op). */
ProtobufCAllocator wire_arena_allocator(struct arena *a);
/* Copies a Status into e. */
void wire_status_err(const Renbin__Status *s, struct rb_err *e);
/* The value of a named field, or NULL when absent. */
const char *wire_field(Renbin__Field *const *f, size_t n, const char *name);
/* The name of a Request's call (its message's, as the proto names it:
 * "Pull"), or NULL for a case the proto does not have. The calls are named
 * in the proto only. */
const char *wire_call_name(int call_case);
/* The position of call_case among Request's fields (0 .. the number of its
 * fields - 1), or -1 for a case the proto does not have. */
int wire_call_slot(int call_case);
/* The value of a named field of an op, or NULL. */
const char *wire_field_value(const Renbin__Op *op, const char *name);
/* Appends a name/value pair (value may be NULL: nothing is added). */
void wire_field_add(struct arena *a, Renbin__Field ***f, size_t *n, size_t *cap, const char *name,
                    const char *value);

#endif
