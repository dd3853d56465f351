/*
 * fuzz_frame.c - libFuzzer target for the frame decoder (common/frame.c).
 *
 * The input is a few control bytes, then a byte stream. The control bytes
 * choose the decoder's limit and the sizes of the pieces the stream is fed
 * in, the way reads of a socket cut it anywhere. A model of the codec walks
 * the same stream and the decoder must agree with it: a READY frame has the
 * announced length and the stream's bytes, never more than the limit; a zero
 * or over-limit length is an error naming that length; an error is sticky
 * (every later feed returns it and takes nothing); nothing leaks.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "frame.h"

/* Limits the first control byte picks from: tiny ones reach ETOOBIG often. */
static const uint32_t limits[] = {1, 2, 7, 64, 255, 4096, FRAME_DEFAULT_MAX};

#define CHECK(c)                                                                                   \
        do {                                                                                       \
                if (!(c))                                                                          \
                        abort();                                                                   \
        } while (0)

/* What the stream says at off: the next frame's length, or -1 past the end. */
static int64_t announced(const uint8_t *s, size_t n, size_t off)
{
        if (n - off < FRAME_HEADER)
                return -1;
        return (int64_t)((uint32_t)s[off] << 24 | (uint32_t)s[off + 1] << 16 |
                         (uint32_t)s[off + 2] << 8 | (uint32_t)s[off + 3]);
}

/* Feeds after an error: the same error again, nothing taken. */
static void check_sticky(struct frame_dec *d, const uint8_t *s, size_t n, int err)
{
        size_t used = 99;

        CHECK(frame_dec_feed(d, s, n, &used) == err);
        CHECK(used == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* One run: data[0] the limit, data[1] how many split bytes follow, then the stream. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct frame_dec d;
        const uint8_t *splits, *s;
        size_t nsplits, n, off = 0, frame_start = 0, k = 0, used;
        uint32_t max, len;
        uint8_t *body;
        int64_t want;
        int rc;

        if (size < 2)
                return 0;
        max = limits[data[0] % (sizeof(limits) / sizeof(limits[0]))];
        nsplits = data[1] % 16;
        if (size - 2 < nsplits)
                return 0;
        splits = data + 2;
        s = data + 2 + nsplits;
        n = size - 2 - nsplits;
        frame_dec_init(&d, max);
        while (off < n) {
                /* A piece of 0..255 bytes; with no split bytes, all of it at once. */
                size_t piece = nsplits ? splits[k++ % nsplits] : n - off;

                if (piece > n - off)
                        piece = n - off;
                if (piece == 0) {
                        /* An empty read takes nothing and completes nothing. */
                        CHECK(frame_dec_feed(&d, s + off, 0, &used) == FRAME_MORE && used == 0);
                        piece = 1;
                }
                used = 0;
                rc = frame_dec_feed(&d, s + off, piece, &used);
                CHECK(used <= piece);
                off += used;
                want = announced(s, n, frame_start);
                if (rc == FRAME_MORE) {
                        CHECK(used == piece);
                        CHECK(frame_dec_partial(&d) == (off > frame_start));
                        continue;
                }
                if (rc == FRAME_READY) {
                        CHECK(want > 0 && want <= (int64_t)max);
                        CHECK(off == frame_start + FRAME_HEADER + (size_t)want);
                        body = frame_dec_take(&d, &len);
                        CHECK(body != NULL && len == (uint32_t)want);
                        CHECK(memcmp(body, s + frame_start + FRAME_HEADER, len) == 0);
                        CHECK(!frame_dec_partial(&d));
                        free(body);
                        frame_start = off;
                        continue;
                }
                CHECK(rc == FRAME_EZERO || rc == FRAME_ETOOBIG);
                CHECK(off == frame_start + FRAME_HEADER);
                if (rc == FRAME_EZERO)
                        CHECK(want == 0 && d.bad_len == 0);
                else
                        CHECK(want > (int64_t)max && d.bad_len == (uint32_t)want);
                check_sticky(&d, s + off, n - off, rc);
                check_sticky(&d, s, n, rc);
                break;
        }
        /* At the end of the stream, a partial frame is one that began and did not end. */
        if (off == n)
                CHECK(frame_dec_partial(&d) == (off > frame_start));
        frame_dec_free(&d);
        return 0;
}
