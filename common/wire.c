/*
 * wire.c - frame packing and protobuf-c helpers. Every reply the server
 * sends is packed here, and a reply's strings are made valid UTF-8 before it
 * goes (utf8_guard): a message that quotes bad input must not make the reply
 * unreadable to a stricter protobuf runtime. wire_strings_check reads a
 * request's encoded strings, which protobuf-c cuts at a NUL byte unseen.
 */
#include "wire.h"
#include "frame.h"
#include "i18n.h"
#include "strbuf.h"

#include <stdlib.h>
#include <string.h>

/* Fixes (err_utf8_fix) every string of m and of the messages below it that is
 * not valid UTF-8; only such strings are written to, and none of them is a
 * constant (valid text is left alone). */
static void utf8_guard(ProtobufCMessage *m)
{
        const ProtobufCMessageDescriptor *d = m->descriptor;

        for (unsigned i = 0; i < d->n_fields; i++) {
                const ProtobufCFieldDescriptor *f = &d->fields[i];
                char *at = (char *)m + f->offset;
                size_t n = 1;
                void **v = (void **)at;

                if (f->type != PROTOBUF_C_TYPE_STRING && f->type != PROTOBUF_C_TYPE_MESSAGE)
                        continue;
                if ((f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) &&
                    *(uint32_t *)((char *)m + f->quantifier_offset) != f->id)
                        continue;
                if (f->label == PROTOBUF_C_LABEL_REPEATED) {
                        n = *(size_t *)((char *)m + f->quantifier_offset);
                        v = *(void ***)at;
                }
                for (size_t k = 0; k < n; k++) {
                        if (v[k] == NULL)
                                continue;
                        if (f->type == PROTOBUF_C_TYPE_MESSAGE)
                                utf8_guard(v[k]);
                        else if (err_utf8_bad(v[k], strlen(v[k])) != ERR_UTF8_OK)
                                err_utf8_fix(v[k]);
                }
        }
}

uint8_t *wire_pack(const ProtobufCMessage *m, size_t *len)
{
        size_t n;

        if (m->descriptor == &renbin__response__descriptor)
                utf8_guard((ProtobufCMessage *)m);
        n = protobuf_c_message_get_packed_size(m);
        uint8_t *buf = malloc(FRAME_HEADER + n);

        if (buf == NULL || n > UINT32_MAX) {
                free(buf);
                return NULL;
        }
        frame_put_header(buf, (uint32_t)n);
        protobuf_c_message_pack(m, buf + FRAME_HEADER);
        *len = FRAME_HEADER + n;
        return buf;
}

Renbin__Status *wire_status(struct arena *a, const struct rb_err *e)
{
        Renbin__Status *s = arena_alloc(a, sizeof(*s));

        renbin__status__init(s);
        if (e != NULL) {
                s->code = (Renbin__Code)e->code;
                s->message = arena_strdup(a, e->msg);
                s->field = arena_strdup(a, e->field);
                err_utf8_fix(s->message);
                err_utf8_fix(s->field);
        }
        return s;
}

void wire_status_err(const Renbin__Status *s, struct rb_err *e)
{
        if (s == NULL) {
                err_clear(e);
                return;
        }
        err_set(e, (int)s->code, s->field, "%s", s->message ? s->message : "");
}

const char *wire_field(Renbin__Field *const *f, size_t n, const char *name)
{
        for (size_t i = 0; i < n; i++)
                if (f[i]->name != NULL && strcmp(f[i]->name, name) == 0)
                        return f[i]->value;
        return NULL;
}

const char *wire_field_value(const Renbin__Op *op, const char *name)
{
        return wire_field(op->fields, op->n_fields, name);
}

void wire_field_add(struct arena *a, Renbin__Field ***f, size_t *n, size_t *cap, const char *name,
                    const char *value)
{
        Renbin__Field *fld;

        if (value == NULL)
                return;
        if (*n == *cap) {
                size_t ncap = *cap ? *cap * 2 : 8;
                Renbin__Field **nf = arena_calloc(a, ncap, sizeof(*nf));
                if (*n)
                        memcpy(nf, *f, *n * sizeof(*nf));
                *f = nf;
                *cap = ncap;
        }
        fld = arena_alloc(a, sizeof(*fld));
        renbin__field__init(fld);
        fld->name = arena_strdup(a, name);
        fld->value = arena_strdup(a, value);
        (*f)[(*n)++] = fld;
}

/* Reads a varint at *p (before end) into *v; 0, or -1 when cut short. */
static int get_varint(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
        *v = 0;
        for (unsigned sh = 0; *p < end && sh < 64; sh += 7) {
                uint8_t b = *(*p)++;
                *v |= (uint64_t)(b & 0x7F) << sh;
                if (!(b & 0x80))
                        return 0;
        }
        return -1;
}

/* The field of d numbered id, or NULL. */
static const ProtobufCFieldDescriptor *field_of(const ProtobufCMessageDescriptor *d, uint64_t id)
{
        for (unsigned i = 0; i < d->n_fields; i++)
                if (d->fields[i].id == id)
                        return &d->fields[i];
        return NULL;
}

/* Where a field sits in the request: its name and the message holding it
 * (up, NULL at the top). The dotted path is written only to name a field in
 * an error: the check itself runs for every string of every request. */
struct field_path {
        const struct field_path *up;
        const char *name;
};

/* Writes p's dotted path ("push.ops.fields.value") into buf of len bytes,
 * cut to fit; returns its length. */
static size_t path_put(const struct field_path *p, char *buf, size_t len)
{
        size_t off = 0;

        if (p->up != NULL) {
                off = path_put(p->up, buf, len);
                off += strlen(str_copy(buf + off, len - off, "."));
        }
        return off + strlen(str_copy(buf + off, len - off, p->name));
}

/* Checks one encoded string of the field at p: no NUL (bad UTF-8 is the
 * apply step's to name, op by op, so the op is recorded for HR). */
static int string_check(const struct field_path *p, const uint8_t *s, size_t n, struct rb_err *e)
{
        const uint8_t *nul = memchr(s, 0, n);
        char path[64];

        if (nul == NULL)
                return 0;
        path_put(p, path, sizeof(path));
        return err_set(e, RB_INVALID, path, _("%s holds a NUL byte (byte %zu)"), path,
                       (size_t)(nul - s) + 1);
}

/* Walks the encoded message of d in [p, end), held by the field up (NULL
 * at the top). */
static int strings_walk(const ProtobufCMessageDescriptor *d, const uint8_t *p, const uint8_t *end,
                        const struct field_path *up, int depth, struct rb_err *e)
{
        uint64_t key, n;

        while (p < end && depth < 16) {
                const ProtobufCFieldDescriptor *f;

                if (get_varint(&p, end, &key) != 0)
                        return 0; /* malformed: the unpacker refuses it */
                if ((key & 7) == 0 && get_varint(&p, end, &n) != 0)
                        return 0;
                if ((key & 7) == 1 || (key & 7) == 5) {
                        size_t w = (key & 7) == 1 ? 8 : 4;
                        if ((size_t)(end - p) < w)
                                return 0;
                        p += w;
                }
                if ((key & 7) == 3 || (key & 7) == 4 || (key & 7) > 5)
                        return 0;
                if ((key & 7) != 2)
                        continue;
                if (get_varint(&p, end, &n) != 0 || n > (uint64_t)(end - p))
                        return 0;
                f = field_of(d, key >> 3);
                if (f != NULL &&
                    (f->type == PROTOBUF_C_TYPE_STRING || f->type == PROTOBUF_C_TYPE_MESSAGE)) {
                        const struct field_path at = {up, f->name};
                        if (f->type == PROTOBUF_C_TYPE_STRING
                                ? string_check(&at, p, (size_t)n, e) != 0
                                : strings_walk(f->descriptor, p, p + n, &at, depth + 1, e) != 0)
                                return -1;
                }
                p += n;
        }
        return 0;
}

int wire_strings_check(const ProtobufCMessageDescriptor *d, const uint8_t *buf, size_t len,
                       struct rb_err *e)
{
        return strings_walk(d, buf, buf + len, NULL, 0, e);
}

static void *arena_pb_alloc(void *data, size_t size)
{
        return arena_alloc_raw(data, size);
}

static void arena_pb_free(void *data, void *p)
{
        (void)data;
        (void)p;
}

ProtobufCAllocator wire_arena_allocator(struct arena *a)
{
        return (ProtobufCAllocator){
            .alloc = arena_pb_alloc, .free = arena_pb_free, .allocator_data = a};
}

int wire_call_slot(int call_case)
{
        const ProtobufCFieldDescriptor *f = protobuf_c_message_descriptor_get_field(
            &renbin__request__descriptor, (unsigned)call_case);

        return f == NULL || (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) == 0 ||
                       f->type != PROTOBUF_C_TYPE_MESSAGE || f->descriptor == NULL
                   ? -1
                   : (int)(f - renbin__request__descriptor.fields);
}

const char *wire_call_name(int call_case)
{
        int slot = wire_call_slot(call_case);

        return slot < 0
                   ? NULL
                   : ((const ProtobufCMessageDescriptor *)renbin__request__descriptor.fields[slot]
                          .descriptor)
                         ->short_name;
}
