/*
 * store.h - the server's database: opening it with its schema migrations.
 * Domain queries live in store_*.c beside their handlers.
 */
#ifndef RENBIN_STORE_H
#define RENBIN_STORE_H

#include <sqlite3.h>

#include "err.h"

#define STORE_FILE "renbin.db"

/* Opens DATA/renbin.db (creating it if create is set) and migrates it. */
sqlite3 *store_open(const char *data, int create, struct rb_err *e);
/* True if the certificate serial has been revoked. */
int store_cert_revoked(sqlite3 *db, const char *serial);

#endif
