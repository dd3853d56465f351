/*
 * certificate.h - certificates of completion (STTPP): the number format (a
 * server setting, config.h), issuing and revoking one with an enrollment's
 * move to or from selesai (called by e_enroll.c inside the op's savepoint),
 * and the verification query every seat may ask (certificate.verify).
 */
#ifndef RENBIN_CERTIFICATE_H
#define RENBIN_CERTIFICATE_H

#include <stddef.h>

#include "apply.h"

/* The format when renbind.conf names none (decisions 115). */
#define CERT_FORMAT_DEFAULT "{seq:03}/STTPP/BKPSDM/{year}"

/* Checks a number format: {seq} or {seq:0N} (N 1-9) once, {year} once, no
 * other braces. 0, or -1 with why filled. */
int cert_format_check(const char *fmt, char *why, size_t n);
/* The format numbers are made with from now on (renbind serve, at start and
 * at SIGHUP); fmt must have passed cert_format_check. */
void cert_format_set(const char *fmt);
/* The number of the seq-th certificate of year under fmt into out: 0, or
 * -1 when it does not fit. */
int cert_number(const char *fmt, long seq, long year, char *out, size_t n);
/* Normalizes a typed verification code into out (11 bytes): dashes and
 * spaces dropped, upper case, O read as 0, I and L as 1. 0, or -1 when it is
 * not 10 characters of Crockford's base32. */
int cert_code_norm(const char *typed, char out[11]);

/* What an enrollment's move from `from` to `to` does to its certificate:
 * to selesai issues one (or reinstates its revoked one, same number), from
 * selesai to anything else revokes it with reason. 0, or -1 with cx->e. */
int certificate_follow(struct apply_ctx *cx, const char *enrollment, const char *from,
                       const char *to, const char *reason);

#endif
