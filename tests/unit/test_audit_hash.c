/*
 * test_audit_hash.c - the audit chain's hash format (server/audit_hash.c)
 * never changes: the text a record's hash covers, built with plain copies,
 * is byte for byte what the first version's snprintf wrote (kept here as the
 * reference, and only here), for records with and without a seat's serial
 * and name, redacted records holding only a digest, tombstones, extreme
 * numbers and texts cut at the buffer's end; and a record hashes to the
 * value computed outside the program.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "run.h"

#include "audit.h"
#include "digest.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#define GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

/* The first version's formatting, as audit_hash wrote it with snprintf: the
 * text into ref (of AUDIT_TEXT bytes), its hashed length returned. */
static size_t ref_text(const struct audit_rec *r, char ref[AUDIT_TEXT])
{
        char dh[65] = "-";
        int k;

        if (r->data != NULL)
                digest_sha256_hex(r->data, r->len, dh);
        else if (r->digest != NULL && r->digest[0] != '\0')
                snprintf(dh, sizeof(dh), "%s", r->digest);
        k = snprintf(ref, AUDIT_TEXT, "%s|%lld|%lld|%s|%s|%s|%s|%s|%s|%lld|%s", r->prev, r->n,
                     r->at, r->unit, r->role, r->op_id, r->entity, r->id, r->action, r->seq, dh);
        if (k > 0 && (size_t)k < AUDIT_TEXT && (r->serial[0] != '\0' || r->name[0] != '\0'))
                k += snprintf(ref + k, AUDIT_TEXT - (size_t)k, "|%s|%s", r->serial, r->name);
        return k < AUDIT_TEXT ? (size_t)k : AUDIT_TEXT - 1;
}

/* The new text and hash of r equal the reference's, byte for byte. */
static void same(const struct audit_rec *r)
{
        char ref[AUDIT_TEXT], got[AUDIT_TEXT], want_hash[65], got_hash[65];
        size_t n = ref_text(r, ref);

        memset(got, 'x', sizeof(got));
        assert_int_equal(audit_hash_text(r, got), n);
        assert_memory_equal(got, ref, n);
        assert_int_equal(got[n], '\0');
        digest_sha256_hex(ref, n, want_hash);
        audit_hash(r, got_hash);
        assert_string_equal(got_hash, want_hash);
}

/* An enrollment's record as renbind writes it. */
static struct audit_rec rec(void)
{
        static const char data[] = "snapshot bytes";

        return (struct audit_rec){
            .n = 42,
            .at = 1767225600,
            .seq = 42,
            .unit = "DINKES",
            .role = "unit",
            .serial = "",
            .name = "",
            .op_id = "0190f0e2-7c1a-7000-8000-000000000001",
            .entity = "enrollment",
            .id = "0190f0e2-7c1a-7000-8000-0000000000aa",
            .action = "create",
            .data = data,
            .len = sizeof(data) - 1,
            .prev = GENESIS,
        };
}

/* The hash of a known record, computed outside the program (Python's
 * hashlib over the text the header of audit_hash.c describes). */
static void test_known(void **state)
{
        struct audit_rec r = rec();
        char h[65];

        (void)state;
        audit_hash(&r, h);
        assert_string_equal(h, "0a8b9486cd1734619a5a4854921f3687495bf1eba2fec9053a3443bfb2e833dc");
        r.serial = "1f2e3d";
        r.name = "Siti Aminah";
        audit_hash(&r, h);
        assert_string_equal(h, "531327e7325c4807eaf66b16dd6abe144e818814f95eba65951a969d05e9165f");
}

/* With and without the seat's serial and name, or only one of them. */
static void test_seat(void **state)
{
        const char *serial[] = {"", "1f2e3d", "", "0A|B"};
        const char *name[] = {"", "", "Siti Aminah", "Budi Santoso, S.Kom."};
        struct audit_rec r = rec();

        (void)state;
        for (size_t i = 0; i < 4; i++) {
                r.serial = serial[i];
                r.name = name[i];
                same(&r);
        }
}

/* A redacted record holds the digest of its data only; a tombstone neither. */
static void test_redacted_tombstone(void **state)
{
        char long_digest[100];
        struct audit_rec r = rec();

        (void)state;
        r.data = NULL;
        r.len = 0;
        r.digest = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
        same(&r);
        r.serial = "1f2e3d";
        r.name = "Siti Aminah";
        same(&r);
        memset(long_digest, 'e', sizeof(long_digest) - 1);
        long_digest[sizeof(long_digest) - 1] = '\0';
        r.digest = long_digest; /* cut to 64 as before */
        same(&r);
        r.digest = "";
        r.action = "tombstone";
        same(&r);
        r.digest = NULL;
        same(&r);
        r.serial = r.name = "";
        same(&r);
}

/* Numbers at their limits, and empty or NULL texts. */
static void test_numbers_texts(void **state)
{
        const long long v[] = {0, 1, -1, 9, 10, 1000000007LL, LLONG_MAX, LLONG_MIN, -1767225600};
        struct audit_rec r = rec();

        (void)state;
        for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
                r.n = v[i];
                r.at = v[(i + 3) % (sizeof(v) / sizeof(v[0]))];
                r.seq = -v[i] / 2;
                same(&r);
        }
        r.unit = r.role = r.op_id = r.entity = r.id = r.action = "";
        r.prev = "";
        same(&r);
        r.op_id = NULL; /* never written so; still hashed as before */
        same(&r);
        r.action = "status terdaftar -> hadir \xc3\xa9";
        same(&r);
}

/* Texts long enough to be cut at AUDIT_TEXT - 1 bytes, before, inside and
 * after the seat's part, and one empty record's worth of data. */
static void test_cut(void **state)
{
        static char big[AUDIT_TEXT + 64];
        struct audit_rec r = rec();

        (void)state;
        memset(big, 'a', sizeof(big) - 1);
        for (size_t pad = AUDIT_TEXT - 200; pad < sizeof(big); pad++) {
                big[pad] = '\0';
                r.action = big;
                r.serial = r.name = "";
                same(&r);
                r.serial = "1f2e3d";
                r.name = "Siti Aminah";
                same(&r);
                r.serial = "";
                same(&r);
                big[pad] = 'a';
        }
        r = rec();
        r.data = "";
        r.len = 0;
        same(&r);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_known),
            cmocka_unit_test(test_seat),
            cmocka_unit_test(test_redacted_tombstone),
            cmocka_unit_test(test_numbers_texts),
            cmocka_unit_test(test_cut),
        };
        return renbin_run_group_tests(tests, NULL, NULL);
}
