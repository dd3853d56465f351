/*
 * uuid.c - UUIDv7 generation (and random v4 ids for anonymous rows). Within one millisecond a
 * 12-bit counter in rand_a keeps ids of one process increasing.
 */
#include "uuid.h"

#include <openssl/rand.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static uint64_t last_ms;
static uint16_t counter;

/* The 16 bytes b in the canonical 8-4-4-4-12 lowercase form. */
static void uuid_format(const uint8_t b[16], char out[UUID_STR])
{
        snprintf(out, UUID_STR,
                 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                 b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
                 b[15]);
}

int uuid7_make(char out[UUID_STR])
{
        struct timespec ts;
        uint8_t b[16];
        uint64_t ms;

        if (RAND_bytes(b, sizeof(b)) != 1)
                return -1;
        clock_gettime(CLOCK_REALTIME, &ts);
        ms = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
        if (ms <= last_ms) {
                ms = last_ms;
                if (++counter > 0x0fff) {
                        ms = ++last_ms;
                        counter = 0;
                }
        } else {
                last_ms = ms;
                counter = (uint16_t)((b[6] << 8 | b[7]) & 0x01ff);
        }
        for (int i = 0; i < 6; i++)
                b[i] = (uint8_t)(ms >> (40 - 8 * i));
        b[6] = (uint8_t)(0x70 | (counter >> 8));
        b[7] = (uint8_t)counter;
        b[8] = (uint8_t)(0x80 | (b[8] & 0x3f));
        uuid_format(b, out);
        return 0;
}

int uuid4_make(char out[UUID_STR])
{
        uint8_t b[16];

        if (RAND_bytes(b, sizeof(b)) != 1)
                return -1;
        b[6] = (uint8_t)(0x40 | (b[6] & 0x0f));
        b[8] = (uint8_t)(0x80 | (b[8] & 0x3f));
        uuid_format(b, out);
        return 0;
}

/* Whether c is a hex digit, either case: what isxdigit says in every
 * locale, without its table lookup (every op's ids are checked). */
static int hex_digit(unsigned char c)
{
        return (unsigned)(c - '0') < 10 || (unsigned)((c | 0x20) - 'a') < 6;
}

int uuid_valid(const char *s)
{
        size_t i = 0;

        for (; i < 36 && s[i] != '\0'; i++)
                if (i == 8 || i == 13 || i == 18 || i == 23 ? s[i] != '-'
                                                            : !hex_digit((unsigned char)s[i]))
                        return 0;
        return i == 36 && s[36] == '\0';
}
