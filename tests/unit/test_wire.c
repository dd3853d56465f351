/*
 * test_wire.c - wire_strings_check (common/wire.c): a request whose strings
 * hold no NUL byte passes, whatever their nesting; one with a NUL anywhere
 * is refused naming the field's dotted path and the byte, in the words the
 * server has always used; a malformed encoding is left to the unpacker.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "run.h"

#include "wire.h"

#include <stdlib.h>
#include <string.h>

/* A Push request of two enrollment ops, packed into a malloc'd buffer of
 * *len bytes; the marker '~' may stand in a string to be made a NUL. */
static uint8_t *push_request(const char *op_id2, const char *value2, size_t *len)
{
        Renbin__Field f1 = RENBIN__FIELD__INIT, f2 = RENBIN__FIELD__INIT, f3 = RENBIN__FIELD__INIT;
        Renbin__Field *fa[] = {&f1}, *fb[] = {&f2, &f3};
        Renbin__Op o1 = RENBIN__OP__INIT, o2 = RENBIN__OP__INIT;
        Renbin__Op *ops[] = {&o1, &o2};
        Renbin__Push push = RENBIN__PUSH__INIT;
        Renbin__Request req = RENBIN__REQUEST__INIT;
        uint8_t *buf;

        f1.name = "nip";
        f1.value = "199001012015031001";
        f2.name = "program";
        f2.value = "PRG-1";
        f3.name = "nip";
        f3.value = (char *)value2;
        o1.op_id = "0190f0e2-7c1a-7000-8000-000000000001";
        o1.entity = o2.entity = "enrollment";
        o1.entity_id = o2.entity_id = "0190f0e2-7c1a-7000-8000-0000000000aa";
        o1.action = o2.action = "create";
        o1.fields = fa;
        o1.n_fields = 1;
        o2.op_id = (char *)op_id2;
        o2.fields = fb;
        o2.n_fields = 2;
        o2.created_at = 1767225600;
        push.ops = ops;
        push.n_ops = 2;
        req.id = 7;
        req.call_case = RENBIN__REQUEST__CALL_PUSH;
        req.push = &push;
        *len = renbin__request__get_packed_size(&req);
        assert_non_null(buf = malloc(*len));
        renbin__request__pack(&req, buf);
        uint8_t *mark = memchr(buf, '~', *len);
        if (mark != NULL)
                *mark = '\0';
        return buf;
}

/* A request without a NUL passes; e stays as it was. */
static void test_clean(void **state)
{
        struct rb_err e;
        size_t len;
        uint8_t *buf =
            push_request("0190f0e2-7c1a-7000-8000-000000000002", "199001012015031002", &len);

        (void)state;
        err_clear(&e);
        assert_int_equal(wire_strings_check(&renbin__request__descriptor, buf, len, &e), 0);
        assert_int_equal(e.code, RB_OK);
        assert_string_equal(e.field, "");
        free(buf);
}

/* A NUL in a nested string is named by its dotted path and its byte. */
static void test_nul_named(void **state)
{
        struct rb_err e;
        size_t len;
        uint8_t *buf =
            push_request("0190f0e2-7c1a-7000-8000-000000000002", "199001~12015031002", &len);

        (void)state;
        err_clear(&e);
        assert_int_equal(wire_strings_check(&renbin__request__descriptor, buf, len, &e), -1);
        assert_int_equal(e.code, RB_INVALID);
        assert_string_equal(e.field, "push.ops.fields.value");
        assert_string_equal(e.msg, "push.ops.fields.value holds a NUL byte (byte 7)");
        free(buf);

        buf = push_request("~190f0e2-7c1a-7000-8000-000000000002", "199001012015031002", &len);
        err_clear(&e);
        assert_int_equal(wire_strings_check(&renbin__request__descriptor, buf, len, &e), -1);
        assert_string_equal(e.field, "push.ops.op_id");
        assert_string_equal(e.msg, "push.ops.op_id holds a NUL byte (byte 1)");
        free(buf);
}

/* A message cut short is the unpacker's to refuse: no error here. */
static void test_cut_short(void **state)
{
        struct rb_err e;
        size_t len;
        uint8_t *buf =
            push_request("0190f0e2-7c1a-7000-8000-000000000002", "199001012015031002", &len);

        (void)state;
        for (size_t n = 0; n < len; n++) {
                err_clear(&e);
                assert_int_equal(wire_strings_check(&renbin__request__descriptor, buf, n, &e), 0);
        }
        free(buf);
}

/* Calls are named by the proto alone (metrics labels, role refusals): each
 * case of Request's oneof by its message's name, anything else by none. */
static void test_call_names(void **state)
{
        (void)state;
        assert_string_equal(wire_call_name(RENBIN__REQUEST__CALL_HELLO), "Hello");
        assert_string_equal(wire_call_name(RENBIN__REQUEST__CALL_PUSH), "Push");
        assert_string_equal(wire_call_name(RENBIN__REQUEST__CALL_SNAPSHOT), "Snapshot");
        assert_null(wire_call_name(1)); /* the request's id, not a call */
        assert_null(wire_call_name(0));
        assert_null(wire_call_name(99));
        assert_int_equal(wire_call_slot(99), -1);
        assert_int_not_equal(wire_call_slot(RENBIN__REQUEST__CALL_PULL),
                             wire_call_slot(RENBIN__REQUEST__CALL_PUSH));
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_clean),
            cmocka_unit_test(test_nul_named),
            cmocka_unit_test(test_cut_short),
            cmocka_unit_test(test_call_names),
        };
        return renbin_run_group_tests(tests, NULL, NULL);
}
