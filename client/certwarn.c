/*
 * certwarn.c - warns ahead of certificate expiry (see certwarn.h).
 */
#include "certwarn.h"
#include "clock.h"
#include "i18n.h"
#include "net.h"
#include "tls.h"

#include <stdio.h>

/* Days from now until t, rounded down (negative once past). */
static long long days_left(long long t)
{
        long long d = t - clock_now();

        return d >= 0 ? d / 86400 : -((-d + 86399) / 86400);
}

/* The office's own certificate's notAfter (0 if unreadable): as the
 * connection knew it, else as the home's saved session keeps it, else read
 * from the file (the certificate is parsed only then). */
static long long own_cert(struct cli *cli)
{
        char path[4096];
        struct rb_err e;
        long long t = net_own_not_after();

        if (t != 0 || (t = net_home_not_after(cli)) != 0)
                return t;
        cli_path(cli, "client.crt", path, sizeof(path));
        return tls_cert_not_after(path, &t, &e) == 0 ? t : 0;
}

/* The unit the office's certificate names, for the warning (rarely needed:
 * the file is parsed only then). */
static void own_unit(struct cli *cli, char unit[64])
{
        char path[4096];
        struct principal p;
        struct rb_err e;

        cli_path(cli, "client.crt", path, sizeof(path));
        snprintf(unit, 64, "%s", tls_cert_principal(path, &p, &e) == 0 ? p.unit : "UNIT");
}

/* Sets key of j to the date of t, or null when t is 0. */
static void set_date(json_t *j, const char *key, long long t)
{
        char date[16];

        json_object_set_new(j, key,
                            t ? json_string(clock_date(t, date, sizeof(date))) : json_null());
}

void certwarn(struct cli *cli, json_t *j)
{
        char unit[64] = "UNIT", date[16];
        long long own = own_cert(cli), srv = net_server_not_after();

        if (j != NULL) {
                set_date(j, "certificate_expires", own);
                set_date(j, "server_certificate_expires", srv);
        }
        if (own != 0 && days_left(own) <= CERTWARN_DAYS) {
                own_unit(cli, unit);
                fprintf(stderr,
                        ngettext("renbin: warning: this office's certificate expires on %s (in "
                                 "%lld day); ask BKPSDM for a renewed bundle: renbind cert renew "
                                 "--unit %s\n",
                                 "renbin: warning: this office's certificate expires on %s (in "
                                 "%lld days); ask BKPSDM for a renewed bundle: renbind cert renew "
                                 "--unit %s\n",
                                 (unsigned long)days_left(own)),
                        clock_date(own, date, sizeof(date)), days_left(own), unit);
        }
        if (srv != 0 && days_left(srv) <= CERTWARN_DAYS)
                fprintf(stderr,
                        ngettext("renbin: warning: the server's certificate expires on %s (in "
                                 "%lld day); ask BKPSDM to reissue it: renbind cert server\n",
                                 "renbin: warning: the server's certificate expires on %s (in "
                                 "%lld days); ask BKPSDM to reissue it: renbind cert server\n",
                                 (unsigned long)days_left(srv)),
                        clock_date(srv, date, sizeof(date)), days_left(srv));
}
