#!/bin/sh
# limits.sh SOURCE_DIR - fails if a length limit or a range is written in
# server/ or client/: the checks that take one (text_check, opt_text_check,
# int_check, rating5_check, skm_score_check) are called only by the
# catalogue (common/entity_check.c), whose limits live in common/entity.c.
cd "${1:-.}" || exit 2
hits=$(grep -nE '\b(text_check|opt_text_check|int_check|rating5_check|skm_score_check)\(' \
        server/*.c client/*.c)
if [ -n "$hits" ]; then
        echo "a limit written outside the catalogue; give the field its limit in common/entity.c:"
        echo "$hits"
        exit 1
fi
exit 0
