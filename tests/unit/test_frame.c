/*
 * test_frame.c - the frame codec of common/frame.c: frames split at every byte,
 * several frames in one read, the zero and over-limit lengths, truncation,
 * and a packed Request carried through wire_pack and the decoder.
 *
 * The test is linked with -Wl,--wrap=malloc, so every malloc made by the codec
 * passes through wrap_malloc() below, which remembers the largest request: that
 * is how a test proves an announced length is checked before it is allocated.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "run.h"

#include "frame.h"
#include "wire.h"

void *__real_malloc(size_t n);
void *__wrap_malloc(size_t n);

static size_t malloc_largest;

/* Counts the largest allocation made by code linked into this test. */
void *__wrap_malloc(size_t n)
{
        if (n > malloc_largest)
                malloc_largest = n;
        return __real_malloc(n);
}

/* A frame (header + body of len bytes, body[i] = i * 7 + 1) in a malloc'd buffer. */
static uint8_t *make_frame(uint32_t len, size_t *n)
{
        uint8_t *buf = malloc(FRAME_HEADER + (size_t)len);

        assert_non_null(buf);
        frame_put_header(buf, len);
        for (uint32_t i = 0; i < len; i++)
                buf[FRAME_HEADER + i] = (uint8_t)(i * 7 + 1);
        *n = FRAME_HEADER + (size_t)len;
        return buf;
}

/* Takes the ready frame from d and checks it equals the body of frame f. */
static void assert_taken(struct frame_dec *d, const uint8_t *f, size_t n)
{
        uint32_t len = 0;
        uint8_t *body = frame_dec_take(d, &len);

        assert_non_null(body);
        assert_int_equal(len, n - FRAME_HEADER);
        assert_memory_equal(body, f + FRAME_HEADER, len);
        assert_false(frame_dec_partial(d));
        free(body);
}

/* The header encoder writes big-endian, and the decoder reads it back. */
static void test_put_header_round_trip(void **state)
{
        static const uint32_t lens[] = {1, 0xFF, 0x100, 0x10203, 0x01020304, 0xFFFFFFFF};
        uint8_t hdr[FRAME_HEADER];
        struct frame_dec d;
        size_t used;

        (void)state;
        frame_put_header(hdr, 0x01020304);
        assert_int_equal(hdr[0], 0x01);
        assert_int_equal(hdr[1], 0x02);
        assert_int_equal(hdr[2], 0x03);
        assert_int_equal(hdr[3], 0x04);
        for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
                frame_put_header(hdr, lens[i]);
                frame_dec_init(&d, 0xFFFFFFFE);
                int rc = frame_dec_feed(&d, hdr, sizeof(hdr), &used);
                assert_int_equal(used, FRAME_HEADER);
                if (lens[i] == 0xFFFFFFFF) {
                        assert_int_equal(rc, FRAME_ETOOBIG);
                        assert_int_equal(d.bad_len, 0xFFFFFFFF);
                } else {
                        /* Header read, body awaited: the announced length is kept. */
                        assert_int_equal(rc, FRAME_MORE);
                        assert_int_equal(d.body_len, lens[i]);
                }
                frame_dec_free(&d);
        }
}

/* One frame fed as [0,k) then [k,n), for every k. */
static void test_split_every_offset(void **state)
{
        size_t n, used;
        uint8_t *f = make_frame(37, &n);
        struct frame_dec d;

        (void)state;
        for (size_t k = 0; k <= n; k++) {
                frame_dec_init(&d, FRAME_DEFAULT_MAX);
                int rc = frame_dec_feed(&d, f, k, &used);
                assert_int_equal(used, k);
                if (k < n) {
                        assert_int_equal(rc, FRAME_MORE);
                        assert_int_equal(frame_dec_partial(&d), k > 0);
                        rc = frame_dec_feed(&d, f + k, n - k, &used);
                        assert_int_equal(used, n - k);
                }
                assert_int_equal(rc, FRAME_READY);
                assert_taken(&d, f, n);
                frame_dec_free(&d);
        }
        free(f);
}

/* One frame fed a byte at a time: MORE until the very last byte. */
static void test_one_byte_at_a_time(void **state)
{
        size_t n, used;
        uint8_t *f = make_frame(300, &n);
        struct frame_dec d;
        int rc = FRAME_MORE;

        (void)state;
        frame_dec_init(&d, FRAME_DEFAULT_MAX);
        for (size_t i = 0; i < n; i++) {
                rc = frame_dec_feed(&d, f + i, 1, &used);
                assert_int_equal(used, 1);
                assert_int_equal(rc, i + 1 == n ? FRAME_READY : FRAME_MORE);
                assert_true(frame_dec_partial(&d));
        }
        assert_taken(&d, f, n);
        frame_dec_free(&d);
        free(f);
}

/* Several frames in one buffer: feed stops after each, the caller feeds the rest. */
static void test_several_in_one_read(void **state)
{
        static const uint32_t lens[] = {1, 5, 200, 1, 4096, 3};
        size_t nf = sizeof(lens) / sizeof(lens[0]), total = 0, off = 0, used, n;
        uint8_t *frames[sizeof(lens) / sizeof(lens[0])], *all;
        size_t sizes[sizeof(lens) / sizeof(lens[0])];
        struct frame_dec d;

        (void)state;
        for (size_t i = 0; i < nf; i++) {
                frames[i] = make_frame(lens[i], &sizes[i]);
                frames[i][FRAME_HEADER] = (uint8_t)(0xA0 + i); /* tell them apart */
                total += sizes[i];
        }
        assert_non_null(all = malloc(total));
        for (size_t i = 0; i < nf; i++) {
                memcpy(all + off, frames[i], sizes[i]);
                off += sizes[i];
        }
        frame_dec_init(&d, FRAME_DEFAULT_MAX);
        off = 0;
        for (size_t i = 0; i < nf; i++) {
                int rc = frame_dec_feed(&d, all + off, total - off, &used);
                assert_int_equal(rc, FRAME_READY);
                assert_int_equal(used, sizes[i]);
                assert_taken(&d, frames[i], sizes[i]);
                off += used;
        }
        assert_int_equal(off, total);
        /* Nothing left: an empty feed asks for more and holds nothing. */
        assert_int_equal(frame_dec_feed(&d, all, 0, &n), FRAME_MORE);
        assert_int_equal(n, 0);
        assert_false(frame_dec_partial(&d));
        frame_dec_free(&d);
        for (size_t i = 0; i < nf; i++)
                free(frames[i]);
        free(all);
}

/* A length of zero is an error, whole or split. */
static void test_zero_length(void **state)
{
        static const uint8_t zero[FRAME_HEADER] = {0, 0, 0, 0};
        struct frame_dec d;
        size_t used;

        (void)state;
        frame_dec_init(&d, FRAME_DEFAULT_MAX);
        assert_int_equal(frame_dec_feed(&d, zero, sizeof(zero), &used), FRAME_EZERO);
        assert_int_equal(used, FRAME_HEADER);
        assert_null(d.body);
        assert_int_equal(d.bad_len, 0);
        frame_dec_free(&d);

        frame_dec_init(&d, FRAME_DEFAULT_MAX);
        assert_int_equal(frame_dec_feed(&d, zero, 3, &used), FRAME_MORE);
        assert_int_equal(frame_dec_feed(&d, zero + 3, 1, &used), FRAME_EZERO);
        frame_dec_free(&d);
        assert_string_equal(frame_strerror(FRAME_EZERO), "frame of length 0");
}

/* After an error every feed returns it again and takes nothing, instead of
 * handing out an empty READY frame (found by tests/fuzz/fuzz_frame). */
static void test_error_sticky(void **state)
{
        static const uint8_t zero[FRAME_HEADER] = {0, 0, 0, 0};
        uint8_t big[FRAME_HEADER + 8] = {0};
        struct frame_dec d;
        size_t used;

        (void)state;
        frame_dec_init(&d, FRAME_DEFAULT_MAX);
        assert_int_equal(frame_dec_feed(&d, zero, sizeof(zero), &used), FRAME_EZERO);
        for (int i = 0; i < 2; i++) {
                used = 99;
                assert_int_equal(frame_dec_feed(&d, zero, sizeof(zero), &used), FRAME_EZERO);
                assert_int_equal(used, 0);
        }
        frame_dec_free(&d);

        frame_put_header(big, 1000);
        frame_dec_init(&d, 16);
        assert_int_equal(frame_dec_feed(&d, big, sizeof(big), &used), FRAME_ETOOBIG);
        assert_int_equal(used, FRAME_HEADER);
        used = 99;
        assert_int_equal(frame_dec_feed(&d, big + FRAME_HEADER, 8, &used), FRAME_ETOOBIG);
        assert_int_equal(used, 0);
        assert_null(d.body);
        assert_int_equal(d.bad_len, 1000);
        frame_dec_free(&d);
}

/* Over the limit: ETOOBIG, and the announced size is never allocated. */
static void test_over_limit_no_alloc(void **state)
{
        static const uint32_t lens[] = {0xFFFFFFFF, 0x7FFFFFFF, FRAME_DEFAULT_MAX + 1};
        uint8_t buf[FRAME_HEADER + 16] = {0};
        struct frame_dec d;
        size_t used;

        (void)state;
        for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
                frame_put_header(buf, lens[i]);
                frame_dec_init(&d, FRAME_DEFAULT_MAX);
                malloc_largest = 0;
                assert_int_equal(frame_dec_feed(&d, buf, sizeof(buf), &used), FRAME_ETOOBIG);
                assert_int_equal(used, FRAME_HEADER);
                assert_int_equal(d.bad_len, lens[i]);
                assert_null(d.body);
                assert_int_equal(malloc_largest, 0);
                frame_dec_free(&d);
        }
        /* The wrapper does see the codec's allocations (the check above means something). */
        frame_put_header(buf, 16);
        frame_dec_init(&d, FRAME_DEFAULT_MAX);
        malloc_largest = 0;
        assert_int_equal(frame_dec_feed(&d, buf, FRAME_HEADER, &used), FRAME_MORE);
        assert_int_equal(malloc_largest, 16);
        frame_dec_free(&d);
}

/* Exactly at the limit is accepted; one byte over is not. */
static void test_at_limit(void **state)
{
        const uint32_t max = 64 * 1024;
        size_t n, used;
        uint8_t *f = make_frame(max, &n);
        struct frame_dec d;

        (void)state;
        frame_dec_init(&d, max);
        assert_int_equal(frame_dec_feed(&d, f, n, &used), FRAME_READY);
        assert_int_equal(used, n);
        assert_taken(&d, f, n);
        frame_dec_free(&d);

        frame_dec_init(&d, max - 1);
        assert_int_equal(frame_dec_feed(&d, f, n, &used), FRAME_ETOOBIG);
        assert_int_equal(d.bad_len, max);
        frame_dec_free(&d);

        /* The default limit itself, announced only. */
        frame_put_header(f, FRAME_DEFAULT_MAX);
        frame_dec_init(&d, FRAME_DEFAULT_MAX);
        assert_int_equal(frame_dec_feed(&d, f, FRAME_HEADER, &used), FRAME_MORE);
        assert_true(frame_dec_partial(&d));
        frame_dec_free(&d);
        assert_false(frame_dec_partial(&d));
        free(f);
}

/* A stream that ends inside a header or a body leaves the decoder partial. */
static void test_truncated(void **state)
{
        size_t n, used;
        uint8_t *f = make_frame(10, &n);
        struct frame_dec d;

        (void)state;
        frame_dec_init(&d, FRAME_DEFAULT_MAX);
        assert_false(frame_dec_partial(&d));
        assert_int_equal(frame_dec_feed(&d, f, 2, &used), FRAME_MORE);
        assert_true(frame_dec_partial(&d));
        frame_dec_free(&d);

        frame_dec_init(&d, FRAME_DEFAULT_MAX);
        assert_int_equal(frame_dec_feed(&d, f, FRAME_HEADER, &used), FRAME_MORE);
        assert_true(frame_dec_partial(&d));
        assert_int_equal(frame_dec_feed(&d, f + FRAME_HEADER, 9, &used), FRAME_MORE);
        assert_true(frame_dec_partial(&d));
        assert_int_equal(frame_dec_feed(&d, f + n - 1, 1, &used), FRAME_READY);
        assert_taken(&d, f, n);
        /* After a whole frame, the decoder is not partial. */
        assert_false(frame_dec_partial(&d));
        frame_dec_free(&d);
        free(f);
}

/* A Request packed by wire_pack, split in two, decodes to the same Request. */
static void test_request_round_trip(void **state)
{
        Renbin__Request req = RENBIN__REQUEST__INIT, *got;
        Renbin__Ping ping = RENBIN__PING__INIT;
        uint8_t payload[100];
        size_t n, used;
        uint8_t *buf, *body;
        uint32_t len;
        struct frame_dec d;

        (void)state;
        for (size_t i = 0; i < sizeof(payload); i++)
                payload[i] = (uint8_t)(255 - i);
        ping.payload.data = payload;
        ping.payload.len = sizeof(payload);
        req.id = 0x1122334455667788ULL;
        req.call_case = RENBIN__REQUEST__CALL_PING;
        req.ping = &ping;
        assert_non_null(buf = wire_pack(&req.base, &n));
        assert_int_equal(n, FRAME_HEADER + protobuf_c_message_get_packed_size(&req.base));
        assert_int_equal(buf[0] << 24 | buf[1] << 16 | buf[2] << 8 | buf[3], n - FRAME_HEADER);

        frame_dec_init(&d, FRAME_DEFAULT_MAX);
        assert_int_equal(frame_dec_feed(&d, buf, 7, &used), FRAME_MORE);
        assert_int_equal(frame_dec_feed(&d, buf + 7, n - 7, &used), FRAME_READY);
        body = frame_dec_take(&d, &len);
        assert_int_equal(len, n - FRAME_HEADER);
        assert_non_null(got = renbin__request__unpack(NULL, len, body));
        assert_int_equal(got->id, 0x1122334455667788ULL);
        assert_int_equal(got->call_case, RENBIN__REQUEST__CALL_PING);
        assert_int_equal(got->ping->payload.len, sizeof(payload));
        assert_memory_equal(got->ping->payload.data, payload, sizeof(payload));
        renbin__request__free_unpacked(got, NULL);
        free(body);
        frame_dec_free(&d);
        free(buf);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_put_header_round_trip),
            cmocka_unit_test(test_split_every_offset),
            cmocka_unit_test(test_one_byte_at_a_time),
            cmocka_unit_test(test_several_in_one_read),
            cmocka_unit_test(test_zero_length),
            cmocka_unit_test(test_error_sticky),
            cmocka_unit_test(test_over_limit_no_alloc),
            cmocka_unit_test(test_at_limit),
            cmocka_unit_test(test_truncated),
            cmocka_unit_test(test_request_round_trip),
        };

        return renbin_run_group_tests(tests, NULL, NULL);
}
