/*
 * conn.h - one client connection: TLS handshake, frame decoding, dispatch of
 * each request and writing of its response, timeouts, and close-after-drain.
 */
#ifndef RENBIN_CONN_H
#define RENBIN_CONN_H

#include <event2/util.h>
#include <locale.h>
#include <sys/socket.h>

#include "tls.h"
#include "renbin.pb-c.h"

struct server;
struct conn;

/* Takes an accepted socket and starts the TLS handshake. */
void conn_accept(struct server *srv, evutil_socket_t fd, struct sockaddr *sa, int salen);
/* Packs and queues a response; used by handlers that answer later. */
void conn_send(struct conn *c, const Renbin__Response *resp);
/* After a deferred answer has been sent: reads the connection's next frames. */
void conn_resume(struct conn *c);
/* The authenticated principal of a connection. */
const struct principal *conn_principal(const struct conn *c);
/* True if the connection's unit exists and is active; looked up again only
 * after the database changed. */
int conn_unit_active(struct conn *c);
/* Chooses the message language of the connection from the client's Hello. */
void conn_set_language(struct conn *c, const char *language);
/* The locale to write this connection's messages in (English by default). */
locale_t conn_locale(const struct conn *c);
/* Closes every connection at once (shutdown). */
void conn_close_all(struct server *srv);

#endif
