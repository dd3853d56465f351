/*
 * serve.c - `renbind serve`: loads the data folder, listens, and runs the event
 * loop until SIGINT or SIGTERM, then closes every connection and the database.
 * The bound address is written to DATA/renbind.addr (useful with port 0).
 */
#include "commit.h"
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
#include <unistd.h>

static const char serve_help[] =
    N_("Usage: renbind serve --data DIR [--listen HOST:PORT] [options]\n"
       "Serve the renbin protocol over mutual TLS until SIGINT or SIGTERM.\n"
       "\n"
       "  --data DIR             data folder made by renbind init (required)\n"
       "  --listen HOST:PORT     address to listen on (default 127.0.0.1:7443;\n"
       "                         port 0 picks a free port, written to DIR/renbind.addr)\n"
       "  --max-conns N          established connections at most (default 1024;\n"
       "                         1/32 of them kept for hr seats)\n"
       "  --idle-timeout SEC     close a connection idle this long (default 300)\n"
       "  --handshake-timeout SEC  TLS handshake must finish within (default 10)\n"
       "  --frame-timeout SEC    a started frame must arrive within (default 30)\n"
       "  --max-frame BYTES      largest frame accepted (default 4194304)\n"
       "  --metrics HOST:PORT    serve Prometheus metrics over plain HTTP at\n"
       "                         http://HOST:PORT/metrics (loopback addresses only)\n"
       "  -v, --verbose          log debug lines\n");

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
        struct server *srv = arg;

        (void)what;
        log_info("signal %d: shutting down", (int)sig);
        event_base_loopbreak(srv->base);
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

/* Writes the bound address for tools and tests that asked for port 0. */
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
}

/* Parses a numeric HOST:PORT (or [V6]:PORT); port 0 is allowed. */
static int parse_listen(const char *s, struct sockaddr_storage *ss, int *len)
{
        struct addrinfo hints = {.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE,
                                 .ai_socktype = SOCK_STREAM};
        struct addrinfo *res;
        const char *colon = strrchr(s, ':');
        char host[128];
        size_t n;

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
        if (getaddrinfo(host, colon + 1, &hints, &res) != 0)
                return -1;
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

/* Loads TLS material and the database, and binds the listener. */
static int server_setup(struct server *srv, const char *listen_on, struct rb_err *e)
{
        char ca[4096], cert[4096], key[4096];
        struct sockaddr_storage ss;
        int sslen = sizeof(ss);

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
        if ((srv->ssl_ctx = tls_server_ctx(ca, cert, key, e)) == NULL)
                return -1;
        if (parse_listen(listen_on, &ss, &sslen) != 0)
                return err_set(e, RB_INVALID, "listen",
                               _("bad --listen address '%s' (HOST:PORT, numeric host)"), listen_on);
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
        srv->commit = commit_new(srv->base, srv->db);
        srv->pull_memo = pull_memo_new();
        srv->refuse = refuse_log_new(srv->base, 10, 20);
        if (!srv->accept_retry || !srv->sig_int || !srv->sig_term || !srv->commit ||
            !srv->pull_memo || !srv->refuse || conn_watch_start(srv) != 0 ||
            event_add(srv->sig_int, NULL) || event_add(srv->sig_term, NULL))
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
        refuse_log_free(srv->refuse);
        if (srv->watch)
                event_free(srv->watch);
        commit_free(srv->commit);
        pull_memo_free(srv->pull_memo);
        if (srv->sig_int)
                event_free(srv->sig_int);
        if (srv->sig_term)
                event_free(srv->sig_term);
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
        if (srv->db)
                db_close(srv->db);
}

static const struct option serve_longopts[] = {
    {"data", required_argument, NULL, 'd'},
    {"listen", required_argument, NULL, 'l'},
    {"max-conns", required_argument, NULL, 'c'},
    {"idle-timeout", required_argument, NULL, 'i'},
    {"handshake-timeout", required_argument, NULL, 'H'},
    {"frame-timeout", required_argument, NULL, 'f'},
    {"max-frame", required_argument, NULL, 'm'},
    {"metrics", required_argument, NULL, 'M'},
    {"verbose", no_argument, NULL, 'v'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/* Sets the limit that numeric option ch names to v (already range-checked). */
static void set_limit(struct server_limits *lim, int ch, long v)
{
        if (ch == 'c')
                lim->max_conns = (unsigned)v;
        else if (ch == 'i')
                lim->idle.tv_sec = v;
        else if (ch == 'H')
                lim->handshake.tv_sec = v;
        else if (ch == 'f')
                lim->frame.tv_sec = v;
        else
                lim->max_frame = (uint32_t)v;
}

/* Parses serve's options into srv and *listen_on. Returns -1 to go on and
 * serve, or the exit status to end with (--help, a bad option). */
static int serve_opts(int argc, char **argv, struct server *srv, const char **listen_on)
{
        long v;
        int ch;

        optind = 1;
        while ((ch = getopt_long(argc, argv, "vh", serve_longopts, NULL)) != -1) {
                switch (ch) {
                case 'd':
                        srv->data = optarg;
                        break;
                case 'l':
                        *listen_on = optarg;
                        break;
                case 'c':
                case 'i':
                case 'H':
                case 'f':
                case 'm':
                        if (opt_long(optarg, 1, ch == 'm' ? 1L << 30 : 1000000, &v) != 0)
                                return opt_bad(serve_longopts, ch, optarg);
                        set_limit(&srv->lim, ch, v);
                        break;
                case 'M':
                        srv->metrics_on = optarg;
                        break;
                case 'v':
                        log_set_level(LOG_DEBUG);
                        break;
                case 'h':
                        fputs(_(serve_help), stdout);
                        return EXIT_OK;
                default:
                        fputs(_(serve_help), stderr);
                        return EXIT_USAGE;
                }
        }
        if (srv->data == NULL)
                return opt_missing("serve", "--data");
        return -1;
}

int serve_main(int argc, char **argv)
{
        struct server srv = {
            .lim = {.max_conns = 1024,
                    .max_pending = 128,
                    .pending_per_addr = 16,
                    .conns_per_addr = 128,
                    .conns_per_cert = 16,
                    .frame_memory = 64u << 20,
                    .frame_small = 64u << 10,
                    .max_frame = 4u << 20,
                    .max_ops = 1000,
                    .max_page = 1000,
                    .handshake = {10, 0},
                    .idle = {300, 0},
                    .frame = {30, 0}},
        };
        const char *listen_on = "127.0.0.1:7443";
        struct rb_err e;
        int rc;

        err_clear(&e);
        if ((rc = serve_opts(argc, argv, &srv, &listen_on)) >= 0)
                return rc;
        srv.lim.hr_reserve = srv.lim.max_conns / 32;
        signal(SIGPIPE, SIG_IGN);
        if (server_setup(&srv, listen_on, &e) != 0) {
                fprintf(stderr, "renbind: %s\n", e.msg);
                server_teardown(&srv);
                return err_exit_status(e.code);
        }
        raise_nofile(&srv.lim);
        rc = event_base_dispatch(srv.base) < 0 ? EXIT_FAIL : EXIT_OK;
        log_info("stopped (%u open connections closed)", srv.nconns);
        server_teardown(&srv);
        return rc;
}
