/*
 * sqlmem.h - SQLite's allocator in renbind (sqlmem.c): small blocks kept on
 * free lists per thread, since this SQLite has no lookaside memory.
 */
#ifndef RENBIN_SQLMEM_H
#define RENBIN_SQLMEM_H

/* Makes SQLite allocate through sqlmem.c; call before any other SQLite
 * call. 0, or -1 when SQLite refuses (it then keeps its own allocator). */
int sqlmem_install(void);

#endif
