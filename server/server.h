/*
 * server.h - the running renbind: its event base, listener, TLS context,
 * database and limits. Passed explicitly to every layer below it.
 */
#ifndef RENBIN_SERVER_H
#define RENBIN_SERVER_H

#include <event2/event.h>
#include <locale.h>
#include <event2/listener.h>
#include <openssl/ssl.h>
#include <sqlite3.h>
#include <stdint.h>
#include <sys/time.h>

struct commit;
struct config;
struct conn;
struct pull_memo;
struct refuse_log;

struct server_limits {
        unsigned max_conns;        /* established connections at most */
        unsigned max_pending;      /* connections still in the TLS handshake at most */
        unsigned pending_per_addr; /* ... from one address */
        unsigned conns_per_addr;   /* established connections from one address */
        unsigned conns_per_cert;   /* established connections with one certificate */
        unsigned hr_reserve;       /* established slots only hr seats may take */
        size_t frame_memory;       /* partial frames of all connections together */
        size_t frame_small;        /* a partial frame this small may always grow */
        uint32_t max_frame;
        unsigned max_ops;           /* ops per Push */
        unsigned max_page;          /* changes per Pull */
        uint64_t snapshot_min_rows; /* a first sync of fewer is refused a copy */
        struct timeval handshake;
        struct timeval idle;
        struct timeval frame; /* a frame must arrive whole within this */
};

struct server {
        struct event_base *base;
        struct evconnlistener *listener;
        struct event *sig_int, *sig_term, *accept_retry;
        SSL_CTX *ssl_ctx;
        sqlite3 *db;
        const char *data; /* data folder */
        struct server_limits lim;
        unsigned nconns;             /* open connections: */
        unsigned npending;           /* ... not (or not yet) let in */
        unsigned nready;             /* ... with an accepted principal */
        size_t partial_bytes;        /* held by partial frames of all connections */
        unsigned mem_waiting;        /* connections that wait for partial_bytes to fall */
        struct conn *conns;          /* open connections, for shutdown */
        struct refuse_log *refuse;   /* rate-limited log of refusals (refuse.h) */
        struct event *watch;         /* re-checks open principals once a second */
        long long watch_gen[2];      /* data_version and total changes last seen */
        struct event *pass_end;      /* runs at the end of a loop pass (session.c) ... */
        int version_known;           /* ... until then, session.c knows ... */
        long long version;           /* ... the database's data_version */
        uint64_t conn_seq;           /* numbers connections in logs */
        locale_t loc_id;             /* Indonesian messages, (locale_t)0 if not installed */
        locale_t loc_en;             /* English (untranslated) messages, the default */
        struct commit *commit;       /* group commit of pushes (commit.h) */
        struct pull_memo *pull_memo; /* counts left after recent Pull pages (h_sync.h) */
        const char *metrics_on;      /* --metrics HOST:PORT (metrics.h), or NULL */
        struct event *sig_hup;       /* SIGHUP: reload the config, reopen the log */
        struct config *cfg;          /* the settings it runs with (config.h) */
        struct ckpt *ckpt;           /* WAL checkpoints on a thread (checkpoint.h), or NULL */
};

/* Runs `renbind serve`: merges its settings, serves until SIGINT/SIGTERM;
 * SIGHUP reloads the config file and reopens the log file. */
int serve_main(int argc, char **argv);

#endif
