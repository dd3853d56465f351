/*
 * session.h - one connection's calls as dispatch and the handlers see them:
 * who it is (from the certificate: unit, role, serial and the seat's name),
 * its role bit, its message language and
 * its reply handle. conn.c owns one per connection.
 */
#ifndef RENBIN_SESSION_H
#define RENBIN_SESSION_H

#include <event2/util.h>
#include <locale.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "tls.h"

struct server;
struct reply;
struct query_memo;
struct pull_ahead;

/* What the calls of one connection share. conn.c owns it (one per
 * connection, filled at the handshake); dispatch and the handlers read it,
 * and Hello sets its language. */
struct session {
        struct principal who;
        SSL *ssl;                 /* the connection's TLS state: a ticket is sent through it */
        unsigned role;            /* role_bit(who.role), computed once at the handshake */
        locale_t loc;             /* messages in the client's language; 0: English */
        int hello_done;           /* the first call, Hello, has succeeded */
        int checked;              /* gen holds the database generation of the last check */
        long long gen[2];         /* store_generation when the principal was last found valid */
        int refusal_logged;       /* the refusal of its unit has been logged */
        struct reply *reply;      /* how answers reach the connection */
        struct query_memo *memo;  /* the last query's document while it is handed out in parts */
        struct pull_ahead *ahead; /* the next Pull page, built ahead (h_sync.h; conn.c frees it) */
        struct snapshot *snap;    /* a replica snapshot being handed out (h_snapshot.c) */
};

/* Chooses the session's message language from the client's Hello. */
void session_set_language(struct server *srv, struct session *ss, const char *language);
/* The locale to write the session's messages in (English by default). */
locale_t session_locale(const struct server *srv, const struct session *ss);
/* Checks that the session's certificate is not revoked and, for a unit seat,
 * that its unit exists and is active; looked up again only after the
 * database changed (store_generation). 0, or -1 with e (UNAUTHENTICATED). */
int session_check(struct server *srv, struct session *ss, struct rb_err *e);
/* The event (srv->pass_end) that ends a pass of the event loop for
 * session_check: the database's data_version it read is read again in the
 * next pass. */
void session_pass_end(evutil_socket_t fd, short what, void *arg);
/* The session's seat as people read it (seat_format, common/role.h): its
 * unit, role, the person's name and its certificate's serial, in buf. */
const char *session_seat(const struct session *ss, char *buf, size_t len);
/* Releases what the session holds (its query memo); conn.c calls it when
 * the connection is freed, and frees the read-ahead page itself
 * (pull_ahead_free, h_sync.h). */
void session_release(struct session *ss);

#endif
