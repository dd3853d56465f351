/*
 * audit_hash.c - the text an audit record's hash covers, and the hash
 * (audit.h). The text is the one the chain has always hashed:
 *
 *   prev|n|at|unit|role|op_id|entity|id|action|seq|digest[|serial|name]
 *
 * digest being the SHA-256 of the record's data ("-" for none), the seat's
 * part there when it has a serial or a name, the whole cut to AUDIT_TEXT - 1
 * bytes (the first version wrote it with snprintf into AUDIT_TEXT bytes). It
 * is built with plain copies, byte for byte the same, so every log written
 * before still verifies; tests/unit/test_audit_hash.c keeps the snprintf
 * version and compares the two.
 */
#include "audit.h"
#include "digest.h"
#include "strbuf.h"

#include <string.h>

/* The text being built in buf (of AUDIT_TEXT bytes): len stops at
 * AUDIT_TEXT - 1, where snprintf cut it. */
struct text {
        char *buf;
        size_t len;
};

/* Appends the n bytes at s, as many as fit. */
static void put(struct text *t, const char *s, size_t n)
{
        size_t room = AUDIT_TEXT - 1 - t->len;

        if (n > room)
                n = room;
        memcpy(t->buf + t->len, s, n);
        t->len += n;
}

/* Appends s; a NULL as glibc's "%s" wrote it. */
static void put_str(struct text *t, const char *s)
{
        if (s == NULL)
                s = "(null)";
        put(t, s, strlen(s));
}

/* Appends v in decimal, as "%lld" writes it. */
static void put_ll(struct text *t, long long v)
{
        char d[STR_LL];
        const char *s = str_ll(d, v);

        put(t, s, strlen(s));
}

size_t audit_hash_text(const struct audit_rec *r, char buf[AUDIT_TEXT])
{
        const char *text[] = {r->unit, r->role, r->op_id, r->entity, r->id, r->action};
        char dh[DIGEST_HEX] = "-";
        struct text t = {buf, 0};

        if (r->data != NULL)
                digest_sha256_hex(r->data, r->len, dh);
        else if (r->digest != NULL && r->digest[0] != '\0')
                str_copy(dh, sizeof(dh), r->digest); /* redacted: the digest stays */
        put_str(&t, r->prev);
        put(&t, "|", 1);
        put_ll(&t, r->n);
        put(&t, "|", 1);
        put_ll(&t, r->at);
        for (size_t i = 0; i < sizeof(text) / sizeof(text[0]); i++) {
                put(&t, "|", 1);
                put_str(&t, text[i]);
        }
        put(&t, "|", 1);
        put_ll(&t, r->seq);
        put(&t, "|", 1);
        put_str(&t, dh);
        /* A record of a named seat covers the seat too; one written before
         * seats had names (or by a seat without one) hashes as it always did. */
        if ((r->serial != NULL && r->serial[0] != '\0') ||
            (r->name != NULL && r->name[0] != '\0')) {
                put(&t, "|", 1);
                put_str(&t, r->serial);
                put(&t, "|", 1);
                put_str(&t, r->name);
        }
        buf[t.len] = '\0';
        return t.len;
}

void audit_hash(const struct audit_rec *r, char out[65])
{
        char buf[AUDIT_TEXT];

        digest_sha256_hex(buf, audit_hash_text(r, buf), out);
}
