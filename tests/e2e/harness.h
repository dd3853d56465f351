/*
 * harness.h - what every end-to-end test of renbin shares: a temp folder,
 * running renbind and renbin and capturing what they print, a data folder and
 * its certificate bundles, a real server on 127.0.0.1 in the background, and a
 * raw TLS client for tests of the protocol itself.
 *
 * Every wait is bounded in time. Functions named h_must_* fail the running
 * cmocka test (with the program's stderr in the message) instead of returning
 * an error, so a test reads as a list of steps.
 */
#ifndef RENBIN_HARNESS_H
#define RENBIN_HARNESS_H

#include <openssl/ssl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "frame.h"
#include "renbin.pb-c.h"

/* How long a program run by h_run may take before it is killed. */
#define H_RUN_TIMEOUT_MS 60000
/* How long a server has to write renbind.addr, and to stop after SIGTERM. */
#define H_SERVER_TIMEOUT_MS 10000
/* Default wait for one response of the raw TLS client. */
#define H_RECV_TIMEOUT_MS 5000

/* ---- strings and files ---- */

/* printf into a malloc'd string (never NULL: aborts the test on failure). */
char *h_strf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* dir/name as a malloc'd string. */
char *h_path(const char *dir, const char *name);
/* The whole file as a malloc'd NUL-terminated string, or NULL. */
char *h_read_file(const char *path);
/* Counts the occurrences of needle in s. */
int h_count(const char *s, const char *needle);
/* The text of an HTML page's <section id="id"> up to its </section>, as a
 * malloc'd string; fails the test when the page has no such section. */
char *h_html_section(const char *html, const char *id);

/* ---- temp folders ---- */

/* A new folder under $TMPDIR (or /tmp), malloc'd path; fails the test if it cannot. */
char *h_tmpdir(const char *tag);
/* Removes path and all below it, unless RENBIN_KEEP_TMP is set (then says where it is). */
void h_rmtree(const char *path);

/* ---- running programs ---- */

/* What a finished program left: its exit status (or -1 if it was killed or
 * could not run), and everything it printed. */
struct h_result {
        int status;
        char *out;
        char *err;
};

/* Runs argv (argv[0] a path, the list NULL-terminated) with stdin from
 * /dev/null, capturing stdout and stderr into r. env holds extra "NAME=VALUE"
 * entries, or "NAME" to unset one (may be NULL). Children get LC_ALL=C,
 * RENBIN_TIMEOUT=10 and RENBIND_CONFIG=/dev/null (no installed config file),
 * and no NOTIFY_SOCKET, unless env says otherwise. Returns r->status. */
int h_run_env(struct h_result *r, const char *const *env, const char *const *argv);
/* h_run_env without extra environment. */
int h_run(struct h_result *r, const char *const *argv);
/* Runs prog with the NULL-terminated arguments that follow. */
int h_runl(struct h_result *r, const char *prog, ...) __attribute__((sentinel));
/* renbind with the NULL-terminated arguments that follow. */
int h_renbind(struct h_result *r, ...) __attribute__((sentinel));
/* renbin --home home with the NULL-terminated arguments that follow. */
int h_renbin(struct h_result *r, const char *home, ...) __attribute__((sentinel));
/* Frees what h_run captured. */
void h_result_free(struct h_result *r);

/* The paths of the programs under test. */
const char *h_renbind_bin(void);
const char *h_renbin_bin(void);

/* ---- data folders, bundles, client homes ---- */

/* renbind init --data data. */
void h_must_init(const char *data);
/* renbind init --data data, stopped at server schema `schema` (the
 * test-only RENBIN_TEST_SCHEMA of server/store.c): a database as an older
 * release left it, which the next open migrates. */
void h_must_init_schema(const char *data, int schema);
/* renbind cert issue into out; the serial (hex) goes to serial if not NULL. */
void h_must_issue(const char *data, const char *unit, const char *role, const char *out,
                  char serial[64]);
/* renbind cert revoke. */
void h_must_revoke(const char *data, const char *serial);
/* renbin --home home setup --server addr --bundle bundle. */
void h_must_setup(const char *home, const char *addr, const char *bundle);

/* ---- a server in the background ---- */

struct h_server {
        char *data;    /* its data folder */
        char *log;     /* data/serve.log: its stderr */
        pid_t pid;     /* 0 when not running */
        char addr[64]; /* "127.0.0.1:PORT" */
        int port;
};

/* The end of a test group: stops s (a non-zero exit is reported on stderr),
 * frees it and removes the temp folder tmp. 0 if the server exited 0. */
int h_group_end(struct h_server *s, const char *tmp);

/* Registers units (NULL-terminated codes, kind "kelurahan") on the running
 * server s through an hr seat made for the purpose in s->data/_hr: a unit
 * office's certificate is accepted only once its unit exists. Returns the hr
 * seat's home folder (free it). */
char *h_must_units(const struct h_server *s, ...) __attribute__((sentinel));

/* Extra "NAME=VALUE" entries (or "NAME" to unset) for the environment of
 * the servers started next, as h_run_env takes them; NULL for none. */
extern const char *const *h_server_env;
/* A server environment whose clock (RENBIN_TEST_NOW) is past every program
 * date the tests use, for groups that mark attendance: the server refuses
 * hadir and selesai before a program's first day. */
extern const char *const h_env_after_plans[];

/* Starts renbind serve --data data --listen 127.0.0.1:0 (plus extra, a
 * NULL-terminated list, may be NULL) and waits for it to write renbind.addr.
 * 0, or -1 if it exited or did not come up in time (it is then killed, and
 * its exit status, if it exited, is in *status when status is not NULL). */
int h_server_start(struct h_server *s, const char *data, const char *const *extra, int *status);
/* h_server_start that fails the test. */
void h_must_start(struct h_server *s, const char *data);
/* Sends SIGTERM and waits for the exit: its exit status, or -1 if it had to be
 * killed or died from a signal. */
int h_server_stop(struct h_server *s);
/* Sends a signal to a running server. */
int h_server_kill(struct h_server *s, int sig);
/* What the server has logged so far (malloc'd). */
char *h_server_log(const struct h_server *s);
/* How many times the log holds needle so far. */
int h_server_log_count(const struct h_server *s, const char *needle);
/* Waits (bounded) until the log holds needle; 1 if it does, 0 on timeout.
 * Connection lines are written when a connection ends, hence the wait. */
int h_server_log_wait(const struct h_server *s, const char *needle, int timeout_ms);
/* Waits (bounded) until the log holds needle at least n times; 1 or 0. */
int h_server_log_wait_n(const struct h_server *s, const char *needle, int n, int timeout_ms);
/* Frees what h_server_start kept (the server must be stopped). */
void h_server_free(struct h_server *s);

/* ---- raw TLS client ---- */

/* What the last operation of a raw client ended in. */
enum h_tls_state {
        H_TLS_OK,
        H_TLS_TIMEOUT, /* nothing within the deadline */
        H_TLS_CLOSED,  /* the server closed (EOF, reset, or a TLS alert) */
        H_TLS_FAILED,  /* a local failure, or a frame we could not read */
};

struct h_tls {
        int fd;
        SSL_CTX *ctx;
        SSL *ssl;
        enum h_tls_state state;
        char error[256]; /* OpenSSL's reason for the last failure, if any */
        struct frame_dec dec;
        uint8_t buf[16384]; /* bytes read but not yet decoded */
        size_t off, len;
        uint64_t next_id;
};

/* Connects to 127.0.0.1:port and does the TLS handshake with the bundle's
 * client.crt and client.key (bundle NULL: no client certificate), offering
 * ALPN renbin/1 and TLS versions up to max_version (0: TLS 1.3). The server
 * certificate is not checked: these tests are about what the server accepts.
 * 0 when the handshake completed on our side; -1 with t->error otherwise.
 * Note: in TLS 1.3 the server checks our certificate after our side is done,
 * so a refused certificate shows as a close on the first read. */
int h_tls_connect(struct h_tls *t, int port, const char *bundle, int max_version);
/* Writes raw bytes. 0, or -1 with t->state. */
int h_tls_send(struct h_tls *t, const void *buf, size_t len);
/* Packs req into a frame and writes it. If req->id is 0 it gets the next id. */
int h_tls_send_req(struct h_tls *t, Renbin__Request *req);
/* Reads one response frame within timeout_ms: NULL with t->state on timeout,
 * close or error. Free with renbin__response__free_unpacked. */
Renbin__Response *h_tls_recv(struct h_tls *t, int timeout_ms);
/* Sends Hello and reads its response: the status code (0 for OK), or -1 if no
 * response came (t->state says why). */
int h_tls_hello(struct h_tls *t);
/* Sends one op of entity and action with n name/value fields in a Push and
 * returns the answer (free with renbin__response__free_unpacked); fails the
 * test when none comes. entity_id NULL makes a new row id; op_id, if not
 * NULL, is the op's id when it holds one (a retry), else receives a new one. */
Renbin__Response *h_tls_push(struct h_tls *t, const char *entity, const char *entity_id,
                             const char *action, const char *const (*kv)[2], size_t n, char *op_id);
/* Sends Ping(payload) and reads its response: the status code, or -1. */
int h_tls_ping(struct h_tls *t, const char *payload);
/* Waits up to timeout_ms for the server to close, discarding what it sends:
 * 1 if it closed, 0 if the connection is still open at the deadline. */
int h_tls_wait_closed(struct h_tls *t, int timeout_ms);
/* Closes our side and frees everything (safe to call twice). */
void h_tls_close(struct h_tls *t);

/* A plain TCP connection to 127.0.0.1:port, or -1. */
int h_tcp_connect(int port);
/* The value of one sample of s's metrics page (started with --metrics
 * 127.0.0.1:0), by its name and labels as the page prints them, e.g.
 * `renbind_handshakes_total{kind="full"}`. Fails the test if it is absent. */
long long h_metric(const struct h_server *s, const char *sample);
/* Waits up to timeout_ms for the peer to close fd (EOF or reset), discarding
 * data: 1 if it closed, 0 on timeout. */
int h_fd_wait_closed(int fd, int timeout_ms);

#endif
