/*
 * clock.c - the expiry checks' clock (see clock.h).
 */
#include "clock.h"

#include <stdio.h>
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

const char *clock_today(char *buf, unsigned long len)
{
        return clock_date(clock_now() + CLOCK_WIB_SECONDS, buf, len);
}

const char *clock_date_add(const char *date, long days, char *buf, unsigned long len)
{
        struct tm tm = {0};
        int y, m, d;
        char end;

        if (sscanf(date, "%4d-%2d-%2d%c", &y, &m, &d, &end) != 3) {
                if (len > 0)
                        buf[0] = '\0';
                return buf;
        }
        tm.tm_year = y - 1900;
        tm.tm_mon = m - 1;
        tm.tm_mday = d;
        return clock_date((long long)timegm(&tm) + (long long)days * 86400, buf, len);
}
