/*
 * clock.h - the time the certificate expiry checks use. Tests shift it with
 * RENBIN_TEST_NOW (unix seconds); nothing else reads that variable, and no
 * other code uses this clock (TLS verification keeps the real time).
 */
#ifndef RENBIN_CLOCK_H
#define RENBIN_CLOCK_H

/* Now in unix seconds: RENBIN_TEST_NOW when set to a number, else time(). */
long long clock_now(void);
/* A unix time as a UTC date "YYYY-MM-DD" in buf (returned). */
const char *clock_date(long long t, char *buf, unsigned long len);

/* Western Indonesia Time (UTC+7): the district's day. */
#define CLOCK_WIB_SECONDS (7 * 3600)
/* Today by this clock in Western Indonesia Time, "YYYY-MM-DD" in buf. */
const char *clock_today(char *buf, unsigned long len);
/* The date days after date (a valid "YYYY-MM-DD"), in buf; "" if date is not one. */
const char *clock_date_add(const char *date, long days, char *buf, unsigned long len);

#endif
