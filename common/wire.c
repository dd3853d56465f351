/*
 * wire.c - frame packing and protobuf-c helpers.
 */
#include "wire.h"
#include "frame.h"

#include <stdlib.h>
#include <string.h>

uint8_t *wire_pack(const ProtobufCMessage *m, size_t *len)
{
        size_t n = protobuf_c_message_get_packed_size(m);
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
