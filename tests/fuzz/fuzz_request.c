/*
 * fuzz_request.c - libFuzzer target for the server's reading of a Request:
 * renbin__request__unpack of arbitrary bytes, then every field that
 * server/dispatch.c and server/apply.c (and the handlers they call) read,
 * read the same way: the call case through the dispatch table's cases, the
 * op envelope (uuid_valid, entity_find), op and query fields through
 * wire_field, the conflicts row's JSON of the fields. Strings are treated as
 * possibly NULL, as the server does. Then the answer is built in an arena the
 * way dispatch and the group commit build it, packed into a frame and read
 * back, and the request is repacked: packing what was unpacked must be stable.
 * The request is decoded into an arena, as the server decodes it.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "arena.h"
#include "entity.h"
#include "err.h"
#include "frame.h"
#include "uuid.h"
#include "wire.h"

#define CHECK(c)                                                                                   \
        do {                                                                                       \
                if (!(c))                                                                          \
                        abort();                                                                   \
        } while (0)

/* Field names the handlers ask for (a sample; any name reaches wire_field the same way). */
static const char *const op_names[] = {"nip",  "unit",   "program", "status", "code", "name",
                                       "year", "period", "date",    "score",  ""};
static const char *const query_names[] = {"conflicts", "report.program", "report.jp", "report.plan",
                                          "report.ikm"};

/* Reads every byte of a possibly NULL string, as strcmp and strlen would. */
static size_t touch(const char *s)
{
        return s != NULL ? strlen(s) : 0;
}

/* Reads fields as wire_field does, and as the conflicts row turns them into JSON. */
static void walk_fields(Renbin__Field *const *f, size_t n, const char *const *names, size_t nnames)
{
        json_t *j = json_object();
        char *s;

        for (size_t i = 0; i < n; i++) {
                CHECK(f[i] != NULL);
                touch(f[i]->name);
                touch(f[i]->value);
                if (f[i]->name != NULL)
                        json_object_set_new(j, f[i]->name, json_string(f[i]->value));
                /* The first field with a name is the one wire_field finds. */
                if (f[i]->name != NULL && wire_field(f, n, f[i]->name) != NULL)
                        touch(wire_field(f, n, f[i]->name));
        }
        for (size_t i = 0; i < nnames; i++)
                touch(wire_field(f, n, names[i]));
        s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
        free(s);
        json_decref(j);
}

/* apply.c's envelope_check and handler lookup, on one op. */
static int walk_op(const Renbin__Op *op, struct rb_err *e)
{
        CHECK(op != NULL);
        walk_fields(op->fields, op->n_fields, op_names, sizeof(op_names) / sizeof(op_names[0]));
        touch(op->action);
        if (op->op_id == NULL || !uuid_valid(op->op_id))
                return err_set(e, RB_INVALID, "op_id", "op_id '%s' is not a UUID",
                               op->op_id ? op->op_id : "");
        if (op->entity_id == NULL || !uuid_valid(op->entity_id))
                return err_set(e, RB_INVALID, "entity_id", "entity_id '%s' is not a UUID",
                               op->entity_id ? op->entity_id : "");
        if (op->entity == NULL || entity_find(op->entity) == NULL)
                return err_set(e, RB_INVALID, "entity", "unknown entity '%s'",
                               op->entity ? op->entity : "");
        for (size_t i = 0; i < op->n_fields; i++)
                if (op->fields[i]->name != NULL)
                        entity_field(entity_find(op->entity), op->fields[i]->name);
        return err_set(e, RB_INVALID, "action", "%s cannot be '%s'", op->entity,
                       op->action ? op->action : "");
}

/* The Push answer, built as commit.c's job_apply builds it. */
static Renbin__PushReply *push_reply(struct arena *a, const Renbin__Push *p)
{
        Renbin__PushReply *r = arena_alloc(a, sizeof(*r));
        struct rb_err e;

        renbin__push_reply__init(r);
        r->n_results = p->n_ops;
        r->results = arena_calloc(a, p->n_ops, sizeof(*r->results));
        for (size_t i = 0; i < p->n_ops; i++) {
                Renbin__OpResult *o = arena_alloc(a, sizeof(*o));

                err_clear(&e);
                walk_op(p->ops[i], &e);
                renbin__op_result__init(o);
                o->op_id = arena_strdup(a, p->ops[i]->op_id ? p->ops[i]->op_id : "");
                o->status = wire_status(a, &e);
                o->detail = arena_strdup(a, "");
                r->results[i] = o;
        }
        return r;
}

/* Reads the call the way dispatch_call and the handlers do; fills the answer. */
static void walk_call(struct arena *a, const Renbin__Request *req, Renbin__Response *resp)
{
        Renbin__Pong *pong;

        switch (req->call_case) {
        case RENBIN__REQUEST__CALL_HELLO:
                CHECK(req->hello != NULL);
                touch(req->hello->client_version);
                break;
        case RENBIN__REQUEST__CALL_PING:
                CHECK(req->ping != NULL);
                CHECK(req->ping->payload.len == 0 || req->ping->payload.data != NULL);
                pong = arena_alloc(a, sizeof(*pong));
                renbin__pong__init(pong);
                pong->payload = req->ping->payload;
                resp->result_case = RENBIN__RESPONSE__RESULT_PONG;
                resp->pong = pong;
                break;
        case RENBIN__REQUEST__CALL_PUSH:
                CHECK(req->push != NULL);
                CHECK(req->push->n_ops == 0 || req->push->ops != NULL);
                resp->result_case = RENBIN__RESPONSE__RESULT_PUSH;
                resp->push = push_reply(a, req->push);
                break;
        case RENBIN__REQUEST__CALL_PULL:
                CHECK(req->pull != NULL);
                break;
        case RENBIN__REQUEST__CALL_QUERY:
                CHECK(req->query != NULL);
                touch(req->query->name);
                walk_fields(req->query->args, req->query->n_args, query_names,
                            sizeof(query_names) / sizeof(query_names[0]));
                break;
        default:
                break;
        }
}

/* Packs resp into a frame as conn_send does and reads it back as the client does. */
static void answer_round_trip(const Renbin__Response *resp)
{
        struct frame_dec d;
        Renbin__Response *back;
        uint8_t *frame, *body;
        size_t len, used;
        uint32_t blen;
        int rc;

        CHECK((frame = wire_pack(&resp->base, &len)) != NULL);
        /* Never an empty body (a frame of length 0): Status is always set. */
        CHECK(len > FRAME_HEADER);
        frame_dec_init(&d, UINT32_MAX);
        rc = frame_dec_feed(&d, frame, len, &used);
        CHECK(rc == FRAME_READY && used == len);
        body = frame_dec_take(&d, &blen);
        CHECK((back = renbin__response__unpack(NULL, blen, body)) != NULL);
        CHECK(back->id == resp->id && back->result_case == resp->result_case);
        if (resp->result_case == RENBIN__RESPONSE__RESULT_PUSH)
                CHECK(back->push->n_results == resp->push->n_results);
        renbin__response__free_unpacked(back, NULL);
        free(body);
        free(frame);
        frame_dec_free(&d);
}

/* Packing an unpacked request, then unpacking and packing again, gives the same
 * bytes. protobuf-c keeps an unknown field whose tag it read from an overlong
 * varint ("80 00": field 0) and writes it back as a tag it then refuses; the
 * server never repacks a request, so such a copy is only dropped. */
static void repack(const Renbin__Request *req)
{
        size_t n = renbin__request__get_packed_size(req), n2;
        uint8_t *a = malloc(n ? n : 1), *b;
        Renbin__Request *again;

        CHECK(a != NULL);
        CHECK(renbin__request__pack(req, a) == n);
        if ((again = renbin__request__unpack(NULL, n, a)) == NULL) {
                CHECK(req->base.n_unknown_fields > 0 || req->call_case != 0);
                free(a);
                return;
        }
        CHECK(again->id == req->id && again->call_case == req->call_case);
        n2 = renbin__request__get_packed_size(again);
        CHECK(n2 == n);
        CHECK((b = malloc(n2 ? n2 : 1)) != NULL);
        CHECK(renbin__request__pack(again, b) == n2);
        CHECK(memcmp(a, b, n) == 0);
        renbin__request__free_unpacked(again, NULL);
        free(b);
        free(a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* One run: data is the body of one frame from a client. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        /* Decoded into an arena, as dispatch_frame decodes it. */
        struct arena ra = ARENA_INIT;
        ProtobufCAllocator alloc = wire_arena_allocator(&ra);
        Renbin__Request *req = renbin__request__unpack(&alloc, size, data);
        Renbin__Response resp = RENBIN__RESPONSE__INIT;
        struct arena a = ARENA_INIT;
        struct rb_err e;

        if (req == NULL) {
                /* dispatch_frame answers an unreadable frame with id 0 and a Status. */
                err_set(&e, RB_INVALID, "frame", "frame is not a renbin Request");
                resp.status = wire_status(&a, &e);
                answer_round_trip(&resp);
                arena_free(&a);
                arena_free(&ra);
                return 0;
        }
        resp.id = req->id;
        walk_call(&a, req, &resp);
        err_clear(&e);
        resp.status = wire_status(&a, &e);
        answer_round_trip(&resp);
        repack(req);
        arena_free(&ra);
        arena_free(&a);
        return 0;
}
