#!/bin/sh
# circles.sh SOURCE_DIR - fails if the modules of server/, client/ and common/
# include each other in a circle. A module is a .c file and its .h; an edge
# X -> Y means X.c or X.h includes Y.h. tsort (coreutils) names a loop.
cd "${1:-.}" || exit 2
edges=$(for f in server/*.[ch] client/*.[ch] common/*.[ch]; do
        dir=${f%%/*}
        mod=${f%.?}
        sed -n 's/^#include "\([^"]*\)\.h".*/\1/p' "$f" | while read -r inc; do
                if [ -f "$dir/$inc.h" ]; then to="$dir/$inc"
                elif [ -f "common/$inc.h" ]; then to="common/$inc"
                else continue
                fi
                [ "$to" != "$mod" ] && echo "$mod $to"
        done
        echo "$mod $mod"
done)
if ! out=$(echo "$edges" | tsort 2>&1 >/dev/null) || [ -n "$out" ]; then
        echo "modules that include each other in a circle:"
        echo "$out"
        exit 1
fi
exit 0
