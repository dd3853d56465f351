/*
 * ca.h - the district certificate authority kept in the data folder:
 * `renbind init` creates it and the server certificate, `renbind cert issue`
 * makes a bundle (key, certificate, CA) for an office or an HR/auditor seat.
 */
#ifndef RENBIN_CA_H
#define RENBIN_CA_H

#include <sqlite3.h>

#include "err.h"

#define CA_CERT "ca.crt"
#define CA_KEY "ca.key"
#define SERVER_CERT "server.crt"
#define SERVER_KEY "server.key"
#define BUNDLE_CERT "client.crt"
#define BUNDLE_KEY "client.key"
#define BUNDLE_CA "ca.crt"

/* Creates the CA and the server certificate (for the names in hosts,
 * comma-separated DNS names or IP addresses) in data. */
int ca_init(const char *data, const char *hosts, struct rb_err *e);
/* Whom a client certificate is for: its unit (CN), role (OU) and the name of
 * the person at the seat (subject "name"; NULL or "": none). */
struct ca_seat {
        const char *unit, *role, *name;
};

/* Issues a client certificate for seat into the folder out and records it
 * in db, valid for days plus 0-6 (ca_spread). The serial is written to serial_out (hex). */
int ca_issue(const char *data, sqlite3 *db, const struct ca_seat *seat, int days, const char *out,
             char serial_out[64], struct rb_err *e);
/* days plus 0 to 6 days at random: the lifetime ca_issue gives (decision 6). */
int ca_spread(int days);
/* Reissues the server certificate from the same CA: a new key, the same
 * subject and subjectAltName, valid for days; server.key and server.crt are
 * replaced (each atomically). Its serial goes to serial_out, its notAfter to
 * *not_after. */
int ca_server_reissue(const char *data, int days, char serial_out[64], long long *not_after,
                      struct rb_err *e);

#endif
