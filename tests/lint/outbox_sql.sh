#!/bin/sh
# outbox_sql.sh SOURCE_DIR - fails if SQL on the outbox table, or json_extract
# on any JSON (the outbox's fields are its only JSON column), appears in
# client/ outside client/outbox.c and outbox.h: the outbox owns its table,
# and every other module asks through the named functions of outbox.h.
cd "${1:-.}" || exit 2
hits=$(grep -rniE \
        'json_extract|(from|join|into|update|table|exists|on)[[:space:]]+outbox\b' \
        client --include='*.c' --include='*.h' |
        grep -v '^client/outbox\.[ch]:')
if [ -n "$hits" ]; then
        echo "SQL on the outbox outside client/outbox.c; add a named function to outbox.h:"
        echo "$hits"
        exit 1
fi
exit 0
