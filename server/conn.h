/*
 * conn.h - one client connection: TLS handshake, frame decoding, dispatch of
 * each request and writing of its response, timeouts, and close-after-drain.
 * The calls see a connection only through its session and reply handle
 * (dispatch.h, reply.h).
 */
#ifndef RENBIN_CONN_H
#define RENBIN_CONN_H

#include <event2/util.h>
#include <sys/socket.h>

struct server;
struct conn;

/* Takes an accepted socket and starts the TLS handshake. */
void conn_accept(struct server *srv, evutil_socket_t fd, struct sockaddr *sa, int salen);
/* Starts the 1 s watch that closes the connections of a certificate revoked
 * or a unit deactivated since they were let in (srv->watch). 0 or -1. */
int conn_watch_start(struct server *srv);
/* Closes every connection at once (shutdown). */
void conn_close_all(struct server *srv);

#endif
