/*
 * status.c - the status file a serving renbind keeps in its data folder, and
 * `renbind status`, which reads it. The file is rewritten through a temporary
 * and a rename (fs_write_file), so a reader sees the old or the new one whole.
 * A file left by a server that died is told apart by its pid (gone) and by
 * the listen address (nothing accepts a connection there).
 */
#include "status.h"
#include "err.h"
#include "fsutil.h"
#include "i18n.h"
#include "log.h"
#include "metrics.h"
#include "opts.h"
#include "server.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define STATUS_FILE "renbind.status"
/* A status file older than this is reported as stale (the loop is stuck). */
#define STATUS_STALE (3 * STATUS_PERIOD)

static struct {
        struct server *srv;
        struct event *tick;
} st;

/* The status document of the running server. */
static json_t *status_doc(struct server *srv)
{
        int64_t when;
        uint64_t ops;
        json_t *last;

        metrics_last_commit(&when, &ops);
        last = when == 0 ? json_null()
                         : json_pack("{sIsI}", "time", (json_int_t)when, "ops", (json_int_t)ops);
        return json_pack("{sIsIsIs{sIsI}sIsoss}", "pid", (json_int_t)getpid(), "started",
                         (json_int_t)metrics_started(), "updated", (json_int_t)time(NULL),
                         "connections", "handshake", (json_int_t)srv->npending, "established",
                         (json_int_t)srv->nready, "database_bytes",
                         (json_int_t)metrics_db_bytes(srv), "last_commit", last, "metrics",
                         metrics_address());
}

static void status_write(struct server *srv)
{
        char path[4096];
        json_t *doc = status_doc(srv);
        char *text = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
        struct rb_err e;

        if (text != NULL && fs_join(path, sizeof(path), srv->data, STATUS_FILE) == 0 &&
            fs_write_file(path, text, strlen(text), 0644, &e) != 0)
                log_warn("%s", e.msg);
        free(text);
        json_decref(doc);
}

static void status_cb(evutil_socket_t fd, short what, void *arg)
{
        (void)fd;
        (void)what;
        status_write(arg);
}

int status_start(struct server *srv)
{
        static const struct timeval period = {STATUS_PERIOD, 0};

        st.srv = srv;
        if ((st.tick = event_new(srv->base, -1, EV_PERSIST, status_cb, srv)) == NULL ||
            event_add(st.tick, &period) != 0)
                return -1;
        status_write(srv);
        return 0;
}

void status_stop(void)
{
        char path[4096];

        if (st.tick == NULL)
                return;
        event_free(st.tick);
        st.tick = NULL;
        if (fs_join(path, sizeof(path), st.srv->data, STATUS_FILE) == 0)
                unlink(path);
}

/* ---- renbind status ---- */

static const char status_help[] =
    N_("Usage: renbind status --data DIR [--json]\n"
       "Say whether a renbind is serving DIR: its address, uptime, connections,\n"
       "database size and last group commit. Exit 0 if one is, 7 if none is.\n"
       "\n"
       "  --data DIR   the server's data folder\n"
       "  --json       print a JSON document instead of text\n");

/* Reads the one-line DATA/name into buf (newline dropped). 0, or -1. */
static int read_line(const char *data, const char *name, char *buf, size_t len)
{
        char path[4096];
        char *text;

        if (fs_join(path, sizeof(path), data, name) != 0 ||
            (text = fs_read(path, NULL, NULL)) == NULL)
                return -1;
        text[strcspn(text, "\r\n")] = '\0';
        snprintf(buf, len, "%s", text);
        free(text);
        return buf[0] ? 0 : -1;
}

/* Whether a TCP connection to HOST:PORT (or [V6]:PORT) is accepted within
 * timeout_ms. */
static int tcp_accepts(const char *addr, int timeout_ms)
{
        struct addrinfo hints = {.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV,
                                 .ai_socktype = SOCK_STREAM};
        struct addrinfo *res;
        char host[96];
        const char *colon = strrchr(addr, ':');
        size_t n = colon ? (size_t)(colon - addr) : 0;
        int fd, ok = 0, err = 0;
        socklen_t elen = sizeof(err);

        if (addr[0] == '[' && n >= 2) {
                addr++;
                n -= 2;
        }
        if (colon == NULL || n >= sizeof(host))
                return 0;
        memcpy(host, addr, n);
        host[n] = '\0';
        if (getaddrinfo(host, colon + 1, &hints, &res) != 0)
                return 0;
        if ((fd = socket(res->ai_family, SOCK_STREAM, 0)) >= 0) {
                struct pollfd p = {.fd = fd, .events = POLLOUT};
                fcntl(fd, F_SETFL, O_NONBLOCK);
                if (connect(fd, res->ai_addr, res->ai_addrlen) == 0)
                        ok = 1;
                else if (errno == EINPROGRESS && poll(&p, 1, timeout_ms) == 1 &&
                         getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) == 0)
                        ok = err == 0;
                close(fd);
        }
        freeaddrinfo(res);
        return ok;
}

/* Reads what DATA says of its server into *doc and addr: 0 if a server is
 * serving there, else -1 with the reason in why. */
static int probe(const char *data, char *addr, size_t alen, json_t **doc, char *why, size_t wlen)
{
        char path[4096];
        json_int_t pid = 0;

        *doc = NULL;
        if (read_line(data, "renbind.addr", addr, alen) != 0)
                return snprintf(why, wlen, _("no renbind.addr in %s"), data), -1;
        if (fs_join(path, sizeof(path), data, STATUS_FILE) == 0)
                *doc = json_load_file(path, 0, NULL);
        if (*doc != NULL && json_unpack(*doc, "{sI}", "pid", &pid) == 0 && pid > 0 &&
            kill((pid_t)pid, 0) != 0 && errno == ESRCH)
                return snprintf(why, wlen, _("renbind.addr is stale: process %lld is gone"),
                                (long long)pid),
                       -1;
        if (!tcp_accepts(addr, 3000))
                return snprintf(why, wlen, _("nothing accepts connections at %s"), addr), -1;
        return 0;
}

int status_serving(const char *data, char *why, size_t wlen)
{
        char addr[128];
        json_t *doc;
        int rc = probe(data, addr, sizeof(addr), &doc, why, wlen);

        json_decref(doc);
        return rc == 0;
}

/* An integer of doc at a path of keys (-1 when absent). */
static long long doc_int(json_t *doc, const char *key, const char *sub)
{
        json_t *v = json_object_get(doc, key);

        if (sub != NULL)
                v = json_object_get(v, sub);
        return json_is_integer(v) ? (long long)json_integer_value(v) : -1;
}

/* The JSON answer: the status file's fields, the address and how old it is. */
static void print_json(const char *addr, json_t *doc, const char *why)
{
        json_t *out = json_object();
        long long now = (long long)time(NULL), started = doc_int(doc, "started", NULL);

        json_object_set_new(out, "serving", json_boolean(why == NULL));
        if (why != NULL) {
                json_object_set_new(out, "error", json_string(why));
        } else {
                json_object_set_new(out, "address", json_string(addr));
                if (doc != NULL)
                        json_object_update(out, doc);
                json_object_set_new(out, "uptime_seconds",
                                    json_integer(started < 0 ? -1 : now - started));
                json_object_set_new(out, "status_age_seconds",
                                    json_integer(doc ? now - doc_int(doc, "updated", NULL) : -1));
        }
        json_dumpf(out, stdout, JSON_INDENT(2));
        putchar('\n');
        json_decref(out);
}

static void print_text(const char *data, const char *addr, json_t *doc)
{
        long long now = (long long)time(NULL), up = now - doc_int(doc, "started", NULL);
        long long last = doc_int(doc, "last_commit", "time"),
                  age = now - doc_int(doc, "updated", NULL);
        const char *maddr = json_string_value(json_object_get(doc, "metrics"));

        printf(_("serving %s at %s (pid %lld)\n"), data, addr, doc_int(doc, "pid", NULL));
        if (doc == NULL) {
                printf(_("no %s: the details are unknown\n"), STATUS_FILE);
                return;
        }
        printf(_("uptime: %lldd %02lld:%02lld:%02lld\n"), up / 86400, up / 3600 % 24, up / 60 % 60,
               up % 60);
        printf(_("connections: %lld established, %lld in the handshake\n"),
               doc_int(doc, "connections", "established"),
               doc_int(doc, "connections", "handshake"));
        printf(_("database: %.1f MiB\n"), (double)doc_int(doc, "database_bytes", NULL) / 1048576.0);
        if (last > 0) {
                char when[32];
                time_t t = (time_t)last;
                strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", gmtime(&t));
                printf(ngettext("last group commit: %s (%lld op)\n",
                                "last group commit: %s (%lld ops)\n",
                                (unsigned long)doc_int(doc, "last_commit", "ops")),
                       when, doc_int(doc, "last_commit", "ops"));
        } else {
                fputs(_("last group commit: none since the start\n"), stdout);
        }
        if (maddr != NULL && maddr[0] != '\0')
                printf(_("metrics: http://%s/metrics\n"), maddr);
        if (age > STATUS_STALE)
                printf(_("warning: the status was last written %lld s ago\n"), age);
}

int status_main(int argc, char **argv)
{
        static const struct option longopts[] = {
            {"data", required_argument, NULL, 'd'},
            {"json", no_argument, NULL, 'j'},
            {"help", no_argument, NULL, 'h'},
            {NULL, 0, NULL, 0},
        };
        const char *data = NULL;
        char addr[128], why[512];
        json_t *doc;
        int ch, json = 0, rc;

        while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
                if (ch == 'd')
                        data = optarg;
                else if (ch == 'j')
                        json = 1;
                else if (ch == 'h')
                        return fputs(_(status_help), stdout), EXIT_OK;
                else
                        return fputs(_(status_help), stderr), EXIT_USAGE;
        }
        if (data == NULL)
                return opt_missing("status", "--data");
        rc = probe(data, addr, sizeof(addr), &doc, why, sizeof(why));
        if (json)
                print_json(addr, doc, rc == 0 ? NULL : why);
        else if (rc == 0)
                print_text(data, addr, doc);
        json_decref(doc);
        if (rc != 0)
                return opt_fail(EXIT_OFFLINE, _("no server is serving %s: %s"), data, why);
        return EXIT_OK;
}
