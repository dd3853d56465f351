/*
 * sqlmem.c - SQLite's allocator in renbind (decision 165). Debian's SQLite is
 * built with SQLITE_OMIT_LOOKASIDE, so every cursor a statement opens and
 * every record it builds is a malloc and a free, about 35 of each per
 * enrollment op. Small blocks are kept here on free lists by size class
 * instead, per thread, each list holding a bounded number, and given back
 * to the heap when the thread ends; larger blocks and anything past the
 * bound go to malloc and free as before. Under
 * AddressSanitizer a kept block is poisoned until it is handed out again,
 * so a use after free in or around SQLite is still caught.
 */
#include "sqlmem.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SANITIZE_ADDRESS__)
#define SQLMEM_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SQLMEM_ASAN 1
#endif
#endif
#ifdef SQLMEM_ASAN
#include <sanitizer/asan_interface.h>
#define POISON(p, n) ASAN_POISON_MEMORY_REGION(p, n)
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#else
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

/* The header before each block: its usable size. 16 bytes keep the block
 * as aligned as malloc's. */
#define HEAD 16
/* Size classes of GRAIN bytes up to SMALL; at most KEEP blocks kept in each. */
#define GRAIN 16
#define SMALL 1024
#define CLASSES (SMALL / GRAIN)
#define KEEP 256

/* A kept block, its first bytes (after the header) linking the list. */
struct block {
        struct block *next;
};

static _Thread_local struct {
        struct block *head;
        unsigned n;
} kept[CLASSES];

/* Set in a thread once it keeps a block: its destructor gives the thread's
 * kept blocks back when the thread ends (a Pull's snapshot runs on one). */
static pthread_key_t ender;
static _Thread_local int ender_set;

/* The usable size a request of n bytes gets. */
static int mem_roundup(int n)
{
        if (n <= 0)
                return GRAIN;
        if (n <= SMALL)
                return (n + GRAIN - 1) / GRAIN * GRAIN;
        return (n + 7) & ~7;
}

/* The size stored in the header of the block at p. */
static size_t *head_of(void *p)
{
        return (size_t *)(void *)((char *)p - HEAD);
}

static void *mem_malloc(int n)
{
        size_t size = (size_t)mem_roundup(n);
        char *raw;

        if (size <= SMALL) {
                unsigned c = (unsigned)(size / GRAIN) - 1;
                struct block *b = kept[c].head;
                if (b != NULL) {
                        UNPOISON((char *)b - HEAD, HEAD + size);
                        kept[c].head = b->next;
                        kept[c].n--;
                        return b;
                }
        }
        if ((raw = malloc(HEAD + size)) == NULL)
                return NULL;
        *(size_t *)(void *)raw = size;
        return raw + HEAD;
}

static void mem_free(void *p)
{
        size_t size;

        if (p == NULL)
                return;
        size = *head_of(p);
        if (size <= SMALL) {
                unsigned c = (unsigned)(size / GRAIN) - 1;
                if (kept[c].n < KEEP && (ender_set || pthread_setspecific(ender, &ender) == 0)) {
                        struct block *b = p;
                        ender_set = 1;
                        b->next = kept[c].head;
                        kept[c].head = b;
                        kept[c].n++;
                        POISON((char *)p - HEAD, HEAD + size);
                        return;
                }
        }
        free(head_of(p));
}

static int mem_size(void *p)
{
        return p == NULL ? 0 : (int)*head_of(p);
}

static void *mem_realloc(void *p, int n)
{
        size_t have = *head_of(p);
        void *q;

        /* In its class already, or a large block: stays or is resized as is. */
        if ((size_t)mem_roundup(n) == have)
                return p;
        if (have > SMALL && (size_t)mem_roundup(n) > SMALL) {
                size_t size = (size_t)mem_roundup(n);
                char *raw = realloc(head_of(p), HEAD + size);
                if (raw == NULL)
                        return NULL;
                *(size_t *)(void *)raw = size;
                return raw + HEAD;
        }
        if ((q = mem_malloc(n)) == NULL)
                return NULL;
        memcpy(q, p, have < (size_t)n ? have : (size_t)n);
        mem_free(p);
        return q;
}

static int mem_init(void *arg)
{
        (void)arg;
        return SQLITE_OK;
}

/* Gives the calling thread's kept blocks back to the heap. */
static void mem_shutdown(void *arg)
{
        (void)arg;
        for (unsigned c = 0; c < CLASSES; c++) {
                while (kept[c].head != NULL) {
                        struct block *b = kept[c].head;
                        UNPOISON((char *)b - HEAD, HEAD + (c + 1) * GRAIN);
                        kept[c].head = b->next;
                        free(head_of(b));
                }
                kept[c].n = 0;
        }
}

/* At exit: the main thread's kept blocks back to the heap, so a leak check
 * sees only what was never freed. */
static void mem_release(void)
{
        mem_shutdown(NULL);
}

/* At a thread's end: its kept blocks back to the heap. */
static void mem_thread_end(void *arg)
{
        mem_shutdown(arg);
        ender_set = 0; /* a block freed after this sets the key again */
}

int sqlmem_install(void)
{
        static const sqlite3_mem_methods m = {
            mem_malloc, mem_free, mem_realloc, mem_size, mem_roundup, mem_init, mem_shutdown, NULL,
        };

        if (pthread_key_create(&ender, mem_thread_end) != 0)
                return -1;
        if (sqlite3_config(SQLITE_CONFIG_MALLOC, &m) != SQLITE_OK) {
                pthread_key_delete(ender);
                return -1;
        }
        atexit(mem_release);
        return 0;
}
