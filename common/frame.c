/*
 * frame.c - incremental decoder and header encoder for renbin frames.
 * Used by the server's connections and by the client's blocking transport.
 */
#include "frame.h"

#include <stdlib.h>
#include <string.h>

static size_t min_size(size_t a, size_t b)
{
        return a < b ? a : b;
}

void frame_dec_init(struct frame_dec *d, uint32_t max)
{
        memset(d, 0, sizeof(*d));
        d->max = max;
}

void frame_dec_free(struct frame_dec *d)
{
        free(d->body);
        d->body = NULL;
        d->hdr_got = 0;
        d->body_got = 0;
}

/* Reads the length once the header is whole; checks it before allocating. */
static int header_done(struct frame_dec *d)
{
        uint32_t len = (uint32_t)d->hdr[0] << 24 | (uint32_t)d->hdr[1] << 16 |
                       (uint32_t)d->hdr[2] << 8 | (uint32_t)d->hdr[3];

        if (len == 0) {
                d->bad_len = 0;
                return FRAME_EZERO;
        }
        if (len > d->max) {
                d->bad_len = len;
                return FRAME_ETOOBIG;
        }
        if ((d->body = malloc(len)) == NULL)
                return FRAME_ENOMEM;
        d->body_len = len;
        d->body_got = 0;
        return FRAME_MORE;
}

int frame_dec_feed(struct frame_dec *d, const uint8_t *p, size_t n, size_t *used)
{
        size_t off = 0, k;
        int rc;

        *used = 0;
        if (d->err != 0)
                return d->err;
        if (d->hdr_got < FRAME_HEADER) {
                k = min_size(FRAME_HEADER - d->hdr_got, n);
                memcpy(d->hdr + d->hdr_got, p, k);
                d->hdr_got += k;
                off += k;
                *used = off;
                if (d->hdr_got < FRAME_HEADER)
                        return FRAME_MORE;
                if ((rc = header_done(d)) != FRAME_MORE)
                        return d->err = rc;
        }
        k = min_size(d->body_len - d->body_got, n - off);
        if (k > 0)
                memcpy(d->body + d->body_got, p + off, k);
        d->body_got += (uint32_t)k;
        off += k;
        *used = off;
        return d->body_got == d->body_len ? FRAME_READY : FRAME_MORE;
}

uint8_t *frame_dec_take(struct frame_dec *d, uint32_t *len)
{
        uint8_t *body = d->body;

        *len = d->body_len;
        d->body = NULL;
        d->hdr_got = 0;
        d->body_got = 0;
        d->body_len = 0;
        return body;
}

int frame_dec_partial(const struct frame_dec *d)
{
        return d->hdr_got > 0;
}

void frame_put_header(uint8_t hdr[FRAME_HEADER], uint32_t len)
{
        hdr[0] = (uint8_t)(len >> 24);
        hdr[1] = (uint8_t)(len >> 16);
        hdr[2] = (uint8_t)(len >> 8);
        hdr[3] = (uint8_t)len;
}

const char *frame_strerror(int rc)
{
        switch (rc) {
        case FRAME_MORE:
                return "incomplete frame";
        case FRAME_READY:
                return "frame ready";
        case FRAME_EZERO:
                return "frame of length 0";
        case FRAME_ETOOBIG:
                return "frame length over the limit";
        case FRAME_ENOMEM:
                return "out of memory";
        }
        return "unknown frame error";
}
