/*
 * serve.c - `renbind serve`: loads the data folder, listens, and runs the event
 * loop until SIGINT or SIGTERM, then closes every connection and the database.
 * The bound address is written to DATA/renbind.addr (useful with port 0), and
 * systemd is told (sd_notify) when it is ready and when it stops. SIGHUP
 * reloads the config file's limits and log level and reopens the log file.
 */
#include "certificate.h"
#include "checkpoint.h"
#include "commit.h"
#include "config.h"
#include "conn.h"
#include "db.h"
#include "fsutil.h"
#include "h_sync.h"
#include "i18n.h"
#include "log.h"
#include "metrics.h"
#include "opts.h"
#include "apply.h"
#include "refuse.h"
#include "server.h"
#include "session.h"
#include "snapshot.h"
#include "status.h"
#include "store.h"
#include "tls.h"

#include <errno.h>
#include <event2/listener.h>
#include <getopt.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

static const char serve_help[] =
    N_("Usage: renbind serve [--data DIR] [--listen HOST:PORT] [options]\n"
       "Serve the renbin protocol over mutual TLS until SIGINT or SIGTERM.\n"
       "SIGHUP reloads the config file (limits, log level) and reopens the log file.\n"
       "\n"
       "  --config PATH          config file (default /etc/renbin/renbind.conf, or\n"
       "                         RENBIND_CONFIG); see renbind config\n"
       "  --data DIR             data folder made by renbind init (default /var/lib/renbin)\n"
       "  --listen HOST:PORT     address to listen on (default 127.0.0.1:7443; a host\n"
       "                         name is resolved; port 0 picks a free port, written\n"
       "                         to DIR/renbind.addr)\n"
       "  --max-conns N          established connections at most (default 1024;\n"
       "                         1/32 of them kept for hr seats)\n"
       "  --idle-timeout SEC     close a connection idle this long (default 300)\n"
       "  --handshake-timeout SEC  TLS handshake must finish within (default 10)\n"
       "  --frame-timeout SEC    a started frame must arrive within (default 30)\n"
       "  --max-frame BYTES      largest frame accepted (default 4194304)\n"
       "  --snapshot-min-rows N  a first sync of fewer rows pulls page by page instead\n"
       "                         of getting a replica copy (default 10000)\n"
       "  --metrics HOST:PORT    serve Prometheus metrics over plain HTTP at\n"
       "                         http://HOST:PORT/metrics (loopback addresses only)\n"
       "  --log-level LEVEL      error, warning, info (default) or debug\n"
       "  --log-file PATH        append the log to PATH instead of stderr\n"
       "  -v, --verbose          log debug lines (--log-level debug)\n"
       "Each setting can also be set in the config file's [serve] section or by a\n"
       "RENBIND_* variable (RENBIND_DATA, RENBIND_MAX_CONNS, ...); flags win.\n");

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
        struct server *srv = arg;

        (void)what;
        log_info("signal %d: shutting down", (int)sig);
        sd_notify(0, "STOPPING=1\nSTATUS=shutting down");
        event_base_loopbreak(srv->base);
}

/* Applies the settings a reload may change; data and listen need a restart. */
static void reload_apply(struct server *srv, struct config *c)
{
        char what[512];
        int restart = strcmp(config_get(c, CFG_DATA), config_get(srv->cfg, CFG_DATA)) != 0 ||
                      strcmp(config_get(c, CFG_LISTEN), config_get(srv->cfg, CFG_LISTEN)) != 0;

        config_limits(c, &srv->lim);
        log_set_level((enum log_level)c->num[CFG_LOG_LEVEL]);
        memcpy(srv->cfg->val[CFG_LOG_FILE], c->val[CFG_LOG_FILE], sizeof(c->val[0]));
        memcpy(srv->cfg->val[CFG_CERT_FORMAT], c->val[CFG_CERT_FORMAT], sizeof(c->val[0]));
        cert_format_set(config_get(c, CFG_CERT_FORMAT));
        for (int k = CFG_MAX_CONNS; k <= CFG_LOG_LEVEL; k++) {
                memcpy(srv->cfg->val[k], c->val[k], sizeof(c->val[0]));
                srv->cfg->num[k] = c->num[k];
                srv->cfg->src[k] = c->src[k];
        }
        config_describe(srv->cfg, what, sizeof(what));
        log_info("SIGHUP: reloaded %s%s: %s; log reopened%s", c->path,
                 c->file_found ? "" : " (absent)", what,
                 restart ? "; data and listen take effect at the next start" : "");
}

/* Reads the server certificate and key again (`renbind cert server` made new
 * ones): new connections are served with them, open ones keep theirs (each
 * SSL holds its context). A failure is logged and the one in force kept. */
static void reload_tls(struct server *srv)
{
        char ca[4096], cert[4096], key[4096];
        struct rb_err e;
        SSL_CTX *ctx;

        fs_join(ca, sizeof(ca), srv->data, "ca.crt");
        fs_join(cert, sizeof(cert), srv->data, "server.crt");
        fs_join(key, sizeof(key), srv->data, "server.key");
        if ((ctx = tls_server_ctx(ca, cert, key, &e)) == NULL) {
                log_err("SIGHUP: the server certificate was not reloaded: %s; the one in force "
                        "is kept",
                        e.msg);
                return;
        }
        SSL_CTX_free(srv->ssl_ctx);
        srv->ssl_ctx = ctx;
        log_info("SIGHUP: server certificate reloaded from %s", cert);
}

/* SIGHUP: reopens the log file, reloads the config file (a bad file is
 * logged and the settings in force are kept) and the server certificate.
 * Never stops the server. */
static void on_hup(evutil_socket_t sig, short what, void *arg)
{
        struct server *srv = arg;
        struct config c;
        int rc;

        (void)sig;
        (void)what;
        sd_notify(0, "RELOADING=1\nSTATUS=reloading");
        config_init(&c);
        c.path = srv->cfg->path;
        c.path_given = srv->cfg->path_given;
        memcpy(c.flag, srv->cfg->flag, sizeof(c.flag));
        rc = config_merge(&c);
        if (log_open(rc == 0 ? config_get(&c, CFG_LOG_FILE) : config_get(srv->cfg, CFG_LOG_FILE)) !=
            0)
                log_err("SIGHUP: cannot open log file %s: %s; logging where it did",
                        config_get(&c, CFG_LOG_FILE), strerror(errno));
        if (rc != 0)
                log_err("SIGHUP: %s; the settings in force are kept", c.err);
        else
                reload_apply(srv, &c);
        reload_tls(srv);
        sd_notify(0, "READY=1\nSTATUS=serving");
}

static void on_accept(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa, int salen,
                      void *arg)
{
        (void)l;
        conn_accept(arg, fd, sa, salen);
}

static void on_accept_retry(evutil_socket_t fd, short what, void *arg)
{
        struct server *srv = arg;

        (void)fd;
        (void)what;
        evconnlistener_enable(srv->listener);
}

/* Out of descriptors: stop accepting for a moment instead of spinning. */
static void on_accept_error(struct evconnlistener *l, void *arg)
{
        struct server *srv = arg;
        int err = EVUTIL_SOCKET_ERROR();
        struct timeval pause = {1, 0};

        log_warn("accept: %s; pausing new connections for 1s", evutil_socket_error_to_string(err));
        evconnlistener_disable(l);
        evtimer_add(srv->accept_retry, &pause);
}

/* Writes the bound address for tools and tests that asked for port 0, and
 * tells systemd the server is ready. */
static void write_addr(struct server *srv)
{
        struct sockaddr_storage ss;
        socklen_t len = sizeof(ss);
        char path[4096], host[64] = "?", line[96];
        evutil_socket_t fd = evconnlistener_get_fd(srv->listener);
        struct rb_err e;
        unsigned port = 0;

        if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0)
                return;
        if (ss.ss_family == AF_INET) {
                struct sockaddr_in *in = (struct sockaddr_in *)&ss;
                evutil_inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host));
                port = ntohs(in->sin_port);
        } else if (ss.ss_family == AF_INET6) {
                struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
                evutil_inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
                port = ntohs(in6->sin6_port);
        }
        log_info("listening on %s:%u", host, port);
        fs_join(path, sizeof(path), srv->data, "renbind.addr");
        len = (socklen_t)snprintf(line, sizeof(line), "%s:%u\n", host, port);
        /* Through a temporary and rename, so a reader never sees it empty or
         * half written; on failure no stale address is left either. */
        if (fs_write_file(path, line, len, 0644, &e) != 0) {
                unlink(path);
                log_err("%s; the server listens on %s:%u all the same", e.msg, host, port);
        }
        sd_notifyf(0, "READY=1\nSTATUS=serving on %s:%u", host, port);
}

/* Parses HOST:PORT (or [V6]:PORT), HOST an address or a name resolved to
 * its first address; port 0 is allowed. 0, or a getaddrinfo error (-1 for
 * one without a colon or host). */
static int parse_listen(const char *s, struct sockaddr_storage *ss, int *len)
{
        struct addrinfo hints = {.ai_flags = AI_NUMERICSERV | AI_PASSIVE,
                                 .ai_socktype = SOCK_STREAM};
        struct addrinfo *res;
        const char *colon = strrchr(s, ':');
        char host[256];
        size_t n;
        int rc;

        if (colon == NULL || colon[1] == '\0')
                return -1;
        n = (size_t)(colon - s);
        if (s[0] == '[' && n >= 2 && s[n - 1] == ']') {
                s++;
                n -= 2;
        }
        if (n == 0 || n >= sizeof(host))
                return -1;
        memcpy(host, s, n);
        host[n] = '\0';
        if ((rc = getaddrinfo(host, colon + 1, &hints, &res)) != 0)
                return rc;
        memcpy(ss, res->ai_addr, res->ai_addrlen);
        *len = (int)res->ai_addrlen;
        freeaddrinfo(res);
        return 0;
}

/* Raises the open-files soft limit to the hard one, so that the connection
 * budgets (plus the database, the listener and a margin) fit, and logs what
 * it got: a limit below that is warned about, as accept would then pause. */
static void raise_nofile(const struct server_limits *lim)
{
        struct rlimit rl;
        rlim_t need = (rlim_t)lim->max_conns + lim->max_pending + 64;

        if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
                return;
        if (rl.rlim_cur < rl.rlim_max) {
                rlim_t want = rl.rlim_max;
                rl.rlim_cur = want;
                if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
                        getrlimit(RLIMIT_NOFILE, &rl);
        }
        if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < need)
                log_warn("open files limit %llu is below the %llu the connection limits need",
                         (unsigned long long)rl.rlim_cur, (unsigned long long)need);
        else
                log_info("open files limit %llu", (unsigned long long)rl.rlim_cur);
}

/* Hands the database's WAL checkpoints to a thread; without one (it could
 * not start) the commits keep checkpointing as SQLite does by itself. */
static void ckpt_begin(struct server *srv)
{
        struct rb_err e;

        err_clear(&e);
        if ((srv->ckpt = ckpt_start(srv->db, &e)) == NULL)
                log_warn("WAL checkpoints stay on the commits: %s", e.msg);
}

/* Loads TLS material and the database, and binds the listener. */
static int server_setup(struct server *srv, const char *listen_on, struct rb_err *e)
{
        char ca[4096], cert[4096], key[4096];
        struct sockaddr_storage ss;
        int sslen = sizeof(ss), rc;

        fs_join(ca, sizeof(ca), srv->data, "ca.crt");
        fs_join(cert, sizeof(cert), srv->data, "server.crt");
        fs_join(key, sizeof(key), srv->data, "server.key");
        /* Offices that ask for Indonesian get it, the others English, whatever
         * the server's own locale ("C" messages are the untranslated ones). */
        srv->loc_id = newlocale(LC_MESSAGES_MASK, "id_ID.UTF-8", (locale_t)0);
        srv->loc_en = newlocale(LC_MESSAGES_MASK, "C", (locale_t)0);
        /* A catalogue column the database lacks would fail every op on it;
         * a catalogue action without its rule hook could not be applied. */
        if (apply_catalog_check(e) != 0 || (srv->db = store_open(srv->data, 0, e)) == NULL ||
            store_check_catalogue(srv->db, e) != 0 || store_purge_tombstones(srv->db, e) != 0)
                return -1;
        ckpt_begin(srv);
        if ((srv->ssl_ctx = tls_server_ctx(ca, cert, key, e)) == NULL)
                return -1;
        if ((rc = parse_listen(listen_on, &ss, &sslen)) != 0)
                return err_set(e, RB_INVALID, "listen",
                               _("bad --listen address '%s' (HOST:PORT): %s"), listen_on,
                               rc == -1 ? _("no port") : gai_strerror(rc));
        if ((srv->base = event_base_new()) == NULL)
                return err_set(e, RB_INTERNAL, NULL, "event_base_new failed");
        srv->listener = evconnlistener_new_bind(srv->base, on_accept, srv,
                                                LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE, 512,
                                                (struct sockaddr *)&ss, sslen);
        if (srv->listener == NULL)
                return err_set(e, RB_UNAVAILABLE, "listen", _("cannot listen on %s: %s"), listen_on,
                               strerror(errno));
        evconnlistener_set_error_cb(srv->listener, on_accept_error);
        srv->accept_retry = evtimer_new(srv->base, on_accept_retry, srv);
        srv->sig_int = evsignal_new(srv->base, SIGINT, on_signal, srv);
        srv->sig_term = evsignal_new(srv->base, SIGTERM, on_signal, srv);
        srv->sig_hup = evsignal_new(srv->base, SIGHUP, on_hup, srv);
        srv->commit = commit_new(srv->base, srv->db);
        srv->pass_end = event_new(srv->base, -1, 0, session_pass_end, srv);
        srv->pull_memo = pull_memo_new();
        srv->refuse = refuse_log_new(srv->base, 10, 20);
        if (!srv->accept_retry || !srv->sig_int || !srv->sig_term || !srv->sig_hup ||
            !srv->commit || !srv->pass_end || !srv->pull_memo || !srv->refuse ||
            conn_watch_start(srv) != 0 || event_add(srv->sig_int, NULL) ||
            event_add(srv->sig_term, NULL) || event_add(srv->sig_hup, NULL))
                return err_set(e, RB_INTERNAL, NULL, "cannot set up events");
        /* gettext puts LANGUAGE before every locale but C: it would override
         * the Indonesian one. What the server still prints is in English. */
        unsetenv("LANGUAGE");
        if (metrics_start(srv, srv->metrics_on, e) != 0 || status_start(srv) != 0)
                return -1;
        write_addr(srv);
        return 0;
}

/* Releases everything server_setup made, in reverse order. */
static void server_teardown(struct server *srv)
{
        char path[4096];

        if (srv->listener != NULL && fs_join(path, sizeof(path), srv->data, "renbind.addr") == 0)
                unlink(path);
        status_stop();
        metrics_stop();
        conn_close_all(srv);
        snapshot_jobs_wait();
        refuse_log_free(srv->refuse);
        if (srv->watch)
                event_free(srv->watch);
        commit_free(srv->commit);
        if (srv->pass_end)
                event_free(srv->pass_end);
        pull_memo_free(srv->pull_memo);
        if (srv->sig_int)
                event_free(srv->sig_int);
        if (srv->sig_term)
                event_free(srv->sig_term);
        if (srv->sig_hup)
                event_free(srv->sig_hup);
        if (srv->accept_retry)
                event_free(srv->accept_retry);
        if (srv->listener)
                evconnlistener_free(srv->listener);
        if (srv->base)
                event_base_free(srv->base);
        SSL_CTX_free(srv->ssl_ctx);
        if (srv->loc_id != (locale_t)0)
                freelocale(srv->loc_id);
        if (srv->loc_en != (locale_t)0)
                freelocale(srv->loc_en);
        ckpt_stop(srv->ckpt);
        if (srv->db)
                db_close(srv->db);
}

/* Merges the settings and sets up the log: -1 to go on, or an exit status. */
static int serve_config(struct config *c, int argc, char **argv)
{
        int rc;

        config_init(c);
        if ((rc = config_args(c, argc, argv, serve_help)) >= 0)
                return rc;
        if ((rc = config_merge(c)) != 0)
                return opt_fail(rc, "%s", c->err);
        log_set_level((enum log_level)c->num[CFG_LOG_LEVEL]);
        log_detect_journal();
        if (log_open(config_get(c, CFG_LOG_FILE)) != 0)
                return opt_fail(EXIT_FAIL, _("cannot open log file %s: %s"),
                                config_get(c, CFG_LOG_FILE), strerror(errno));
        return -1;
}

int serve_main(int argc, char **argv)
{
        /* The limits a setting can change come from the config's table
         * (config_limits below, with their defaults); these are fixed. */
        struct server srv = {
            .lim = {.max_pending = 128,
                    .pending_per_addr = 16,
                    .conns_per_cert = 16,
                    .frame_memory = 64u << 20,
                    .frame_small = 64u << 10,
                    .max_ops = 1000,
                    .max_page = 1000},
        };
        static struct config cfg;
        struct rb_err e;
        int rc;

        err_clear(&e);
        if ((rc = serve_config(&cfg, argc, argv)) >= 0)
                return rc;
        srv.cfg = &cfg;
        srv.data = config_get(&cfg, CFG_DATA);
        srv.metrics_on = config_get(&cfg, CFG_METRICS)[0] ? config_get(&cfg, CFG_METRICS) : NULL;
        config_limits(&cfg, &srv.lim);
        cert_format_set(config_get(&cfg, CFG_CERT_FORMAT));
        signal(SIGPIPE, SIG_IGN);
        if (server_setup(&srv, config_get(&cfg, CFG_LISTEN), &e) != 0) {
                fprintf(stderr, "renbind: %s\n", e.msg);
                server_teardown(&srv);
                return err_exit_status(e.code);
        }
        raise_nofile(&srv.lim);
        rc = event_base_dispatch(srv.base) < 0 ? EXIT_FAIL : EXIT_OK;
        log_info("stopped (%u open connections closed)", srv.nconns);
        server_teardown(&srv);
        log_open(NULL);
        return rc;
}
