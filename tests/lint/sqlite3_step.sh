#!/bin/sh
# sqlite3_step.sh SOURCE_DIR - fails if sqlite3_step is called anywhere in
# server/, client/ or common/ but common/db.c: every step goes through db_step
# (common/db.h), so its result is mapped to a status code in one place.
cd "${1:-.}" || exit 2
hits=$(grep -rn 'sqlite3_step' server client common --include='*.c' --include='*.h' |
        grep -v '^common/db\.c:')
if [ -n "$hits" ]; then
        echo "sqlite3_step outside common/db.c; use db_step or db_run (common/db.h):"
        echo "$hits"
        exit 1
fi
exit 0
