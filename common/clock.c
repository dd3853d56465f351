/*
 * clock.c - the expiry checks' clock (see clock.h).
 */
#include "clock.h"

#include <stdlib.h>
#include <time.h>

long long clock_now(void)
{
        const char *s = getenv("RENBIN_TEST_NOW");
        char *end;
        long long v;

        if (s != NULL && s[0] != '\0') {
                v = strtoll(s, &end, 10);
                if (*end == '\0' && v > 0)
                        return v;
        }
        return (long long)time(NULL);
}

const char *clock_date(long long t, char *buf, unsigned long len)
{
        time_t tt = (time_t)t;
        struct tm tm;

        gmtime_r(&tt, &tm);
        strftime(buf, len, "%Y-%m-%d", &tm);
        return buf;
}
