/*
 * frame.h - the renbin frame codec: a 4-byte big-endian length, then that many
 * bytes of one protobuf message. Decoding is incremental: bytes may arrive in
 * any pieces, and a length is checked against the limit before any allocation.
 */
#ifndef RENBIN_FRAME_H
#define RENBIN_FRAME_H

#include <stddef.h>
#include <stdint.h>

#define FRAME_HEADER 4
#define FRAME_DEFAULT_MAX (4u * 1024 * 1024)

enum frame_rc {
        FRAME_MORE = 0,     /* need more bytes */
        FRAME_READY = 1,    /* one whole frame is ready: frame_dec_take() */
        FRAME_EZERO = -1,   /* a frame of length 0 */
        FRAME_ETOOBIG = -2, /* a length over the limit */
        FRAME_ENOMEM = -3,
};

struct frame_dec {
        uint32_t max; /* largest body accepted */
        uint8_t hdr[FRAME_HEADER];
        size_t hdr_got;
        uint8_t *body;
        uint32_t body_len; /* announced length, valid once hdr_got == 4 */
        uint32_t body_got;
        uint32_t bad_len; /* the offending length after EZERO/ETOOBIG */
        int err;          /* the error returned, 0 before one: it is sticky */
};

/* Prepares a decoder that accepts bodies of at most max bytes. */
void frame_dec_init(struct frame_dec *d, uint32_t max);

/* Frees whatever partial frame the decoder holds. */
void frame_dec_free(struct frame_dec *d);

/*
 * Consumes bytes from p[0..n). Sets *used to how many were taken: it stops at
 * the end of the first complete frame, so the caller feeds the rest again.
 * Returns FRAME_READY when a frame is complete, FRAME_MORE when it needs more,
 * or a negative frame_rc. An error is sticky: the stream cannot be read past
 * it, so every later feed returns the same error and takes nothing.
 */
int frame_dec_feed(struct frame_dec *d, const uint8_t *p, size_t n, size_t *used);

/* Hands the complete frame's body to the caller (free() it) and resets. */
uint8_t *frame_dec_take(struct frame_dec *d, uint32_t *len);

/* True when the decoder holds part of a frame: at end of stream, a truncation. */
int frame_dec_partial(const struct frame_dec *d);

/* Writes the 4-byte header for a body of len bytes. */
void frame_put_header(uint8_t hdr[FRAME_HEADER], uint32_t len);

/* Text for a frame_rc, for logs. */
const char *frame_strerror(int rc);

#endif
