/*
 * session.h - one connection's calls as dispatch and the handlers see them:
 * who it is (from the certificate), its role bit, its message language and
 * its reply handle. conn.c owns one per connection.
 */
#ifndef RENBIN_SESSION_H
#define RENBIN_SESSION_H

#include <locale.h>
#include <stdint.h>

#include "tls.h"

struct server;
struct reply;

/* What the calls of one connection share. conn.c owns it (one per
 * connection, filled at the handshake); dispatch and the handlers read it,
 * and Hello sets its language. */
struct session {
        struct principal who;
        unsigned role;        /* role_bit(who.role), computed once at the handshake */
        locale_t loc;         /* messages in the client's language; 0: English */
        int hello_done;       /* the first call, Hello, has succeeded */
        int64_t unit_checked; /* database change count + 1 when the unit was last found active */
        struct reply *reply;  /* how answers reach the connection */
};

/* Chooses the session's message language from the client's Hello. */
void session_set_language(struct server *srv, struct session *ss, const char *language);
/* The locale to write the session's messages in (English by default). */
locale_t session_locale(const struct server *srv, const struct session *ss);
/* True if the session's unit exists and is active; looked up again only
 * after the database changed. */
int session_unit_active(struct server *srv, struct session *ss);

#endif
