#!/bin/sh
# fnlen.sh SOURCE_DIR [MAX] - fails if a function in server/, client/ or
# common/ is longer than MAX lines (60), counted from the first line of its
# signature to its closing brace. The code follows .clang-format: a function
# body opens with "{" alone at the start of a line and closes with "}" alone.
cd "${1:-.}" || exit 2
max=${2:-60}
long=$(awk -v max="$max" '
        FNR == 1 { sig = 0; open = 0 }
        /^[A-Za-z_].*\(/ && !open { sig = FNR; name = $0 }
        /^\{$/ && !open { open = 1; if (!sig) sig = FNR }
        /^\}/ && open {
                if (FNR - sig + 1 > max)
                        printf "%s:%d: %d lines: %s\n", FILENAME, sig, FNR - sig + 1, name
                open = 0; sig = 0
        }
        /;[ \t]*$/ && !open { sig = 0 }
' server/*.c client/*.c common/*.c)
if [ -n "$long" ]; then
        echo "functions longer than $max lines (lift steps into static helpers):"
        echo "$long"
        exit 1
fi
exit 0
