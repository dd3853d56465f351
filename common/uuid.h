/*
 * uuid.h - UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then randomness,
 * so ids made later sort later and B-tree inserts stay at the right edge.
 */
#ifndef RENBIN_UUID_H
#define RENBIN_UUID_H

#define UUID_STR 37

/* Writes a new UUIDv7 as 36 lowercase characters and a NUL. Returns 0 or -1. */
int uuid7_make(char out[UUID_STR]);
/* Writes a new random UUIDv4: nothing in it says when or in what order it
 * was made (an anonymous answer's id). Returns 0 or -1. */
int uuid4_make(char out[UUID_STR]);
/* True if s is a UUID in canonical 8-4-4-4-12 lowercase or uppercase form. */
int uuid_valid(const char *s);

#endif
