/*
 * metrics.h - the server's counters, and the Prometheus page that shows them
 * (`renbind serve --metrics HOST:PORT`, plain HTTP, loopback only). The
 * counters live here and nowhere else: the modules that see an event count it
 * with one call each. The process holds one server, so the counters are this
 * module's own (not fields of struct server); the loop is single-threaded.
 */
#ifndef RENBIN_METRICS_H
#define RENBIN_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "refuse.h"
#include "renbin.pb-c.h"

struct server;

/* metrics_call's code for a call answered later (a Push): counted then. */
#define METRICS_DEFERRED (-1)

/* One call of call_case (Renbin__Request's case) answered with code. */
void metrics_call(int call_case, int code);
/* A Push answered: the call with e's code (OK when e is NULL), and each op of
 * answer by its own code (every op with e's code when the group failed). */
void metrics_push(const Renbin__PushReply *answer, size_t n_ops, const struct rb_err *e);
/* A group commit of ops starts (its duration runs until metrics_group_end). */
void metrics_group_begin(size_t ops);
/* The COMMIT (the fsync) of the group starts, and has returned. */
void metrics_fsync_begin(void);
void metrics_fsync_end(void);
/* The group is committed (or rolled back when failed) and answered. */
void metrics_group_end(int failed);
/* A Pull page of n changes. */
void metrics_pull_rows(size_t n);
/* A connection refused, or ended before it was let in, for why (REFUSE_NONE
 * is not counted). */
void metrics_refused(enum refusal why);
/* A handshake completed: a full one, or one resumed from a session ticket. */
void metrics_handshake(int resumed);
/* A client certificate refused by the verification with this X509_V_ERR_*. */
void metrics_cert_error(int x509_err);

/* When the last group commit ended (unix seconds, 0 if none yet) and its ops. */
void metrics_last_commit(int64_t *when, uint64_t *ops);
/* The database's bytes on disk (the file and its WAL). */
long long metrics_db_bytes(const struct server *srv);

/* Serves GET /metrics on addr (numeric loopback HOST:PORT; port 0 picks one)
 * from srv's event base and writes the bound address to DATA/renbind.metrics.
 * addr NULL: only the start time is noted. 0, or -1 with e (a non-loopback
 * address is RB_INVALID). */
int metrics_start(struct server *srv, const char *addr, struct rb_err *e);
/* Closes the listener and removes DATA/renbind.metrics. */
void metrics_stop(void);
/* The address the page is served on ("" when none). */
const char *metrics_address(void);
/* When metrics_start ran (unix seconds). */
int64_t metrics_started(void);

#endif
