/*
 * digest.h - SHA-256 as lowercase hex, the one digest the audit chain and
 * its redaction use.
 */
#ifndef RENBIN_DIGEST_H
#define RENBIN_DIGEST_H

#include <stddef.h>

#define DIGEST_HEX 65 /* 64 hex digits and the NUL */

/* The hex SHA-256 of len bytes at p into out. */
void digest_sha256_hex(const void *p, size_t len, char out[DIGEST_HEX]);

#endif
