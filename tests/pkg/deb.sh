#!/bin/sh
# deb.sh SOURCE_DIR [DEB] - checks the Debian package without installing it.
#
# Takes DEB (or $RENBIN_TEST_DEB), else builds one with scripts/package
# (build-pkg/). Then: the file list has every item the package promises; the
# extracted programs answer --help, and renbin speaks Indonesian from the
# extracted (relocated) tree; the man pages parse; the unit passes
# `systemd-analyze verify` when systemd-analyze exists. Never dpkg -i.
# Exit 77 (skipped) without dpkg-deb.
set -eu
src="${1:?usage: deb.sh SOURCE_DIR [DEB]}"
deb="${2:-${RENBIN_TEST_DEB:-}}"

command -v dpkg-deb >/dev/null 2>&1 || { echo "skip: no dpkg-deb"; exit 77; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT INT TERM

fail() {
        echo "FAIL: $*"
        exit 1
}

if [ -z "$deb" ]; then
        "$src/scripts/package" >"$tmp/package.log" 2>&1 ||
                { cat "$tmp/package.log"; fail "scripts/package"; }
        deb="$(tail -n 1 "$tmp/package.log")"
fi
[ -f "$deb" ] || fail "no package at '$deb'"
echo "package: $deb"

dpkg-deb -c "$deb" | awk '{print $NF}' | sed 's#^\./#/#' >"$tmp/list"
for f in /usr/bin/renbind /usr/bin/renbin \
        /usr/share/man/man8/renbind.8 /usr/share/man/man1/renbin.1 \
        /lib/systemd/system/renbind.service /etc/renbin/renbind.conf \
        /usr/share/bash-completion/completions/renbind \
        /usr/share/bash-completion/completions/renbin \
        /usr/share/doc/renbin/README.md /usr/share/doc/renbin/copyright \
        /usr/share/doc/renbin/docs/exit-codes.md /usr/share/doc/renbin/docs/decisions.md \
        /usr/share/locale/id/LC_MESSAGES/renbin.mo; do
        grep -qx "$f" "$tmp/list" || fail "$f is not in the package"
done
for d in "$src"/docs/*.md; do
        f="/usr/share/doc/renbin/docs/$(basename "$d")"
        grep -qx "$f" "$tmp/list" || fail "$f is not in the package"
done
echo "ok: file list"

dpkg-deb -e "$deb" "$tmp/control"
for s in postinst postrm; do
        [ -x "$tmp/control/$s" ] || fail "no executable $s"
        sh -n "$tmp/control/$s" || fail "$s does not parse"
done
grep -qx /etc/renbin/renbind.conf "$tmp/control/conffiles" ||
        fail "renbind.conf is not a conffile"
grep -q 'adduser --system --group --home /var/lib/renbin --no-create-home' \
        "$tmp/control/postinst" || fail "postinst does not make the renbin user"
grep -q '^Depends:.*adduser' "$tmp/control/control" || fail "no Depends on adduser"
grep -q '^Depends:.*libssl3' "$tmp/control/control" || fail "no library Depends"
echo "ok: control files"

root="$tmp/root"
dpkg-deb -x "$deb" "$root"
"$root/usr/bin/renbind" --help >"$tmp/out" 2>&1 || fail "renbind --help"
grep -q 'Usage: renbind' "$tmp/out" || fail "renbind --help: $(cat "$tmp/out")"
"$root/usr/bin/renbin" --help >"$tmp/out" 2>&1 || fail "renbin --help"
grep -q 'Usage: renbin' "$tmp/out" || fail "renbin --help: $(cat "$tmp/out")"
# The shipped config file is one the server accepts as it is, and with
# every setting uncommented (its keys are the server's own).
"$root/usr/bin/renbind" config --config "$root/etc/renbin/renbind.conf" >"$tmp/out" 2>&1 ||
        fail "renbind config --config /etc/renbin/renbind.conf: $(cat "$tmp/out")"
sed 's/^#\([a-z-]* =\)/\1/' "$root/etc/renbin/renbind.conf" >"$tmp/all.conf"
grep -q '^data =' "$tmp/all.conf" || fail "renbind.conf: no setting to uncomment"
"$root/usr/bin/renbind" config --config "$tmp/all.conf" >"$tmp/out" 2>&1 ||
        fail "renbind.conf with every setting uncommented: $(cat "$tmp/out")"
# Relocated: the catalogs are found beside the program, not at /usr/share.
env -u RENBIN_LOCALEDIR LANG=id_ID.UTF-8 LANGUAGE= LC_ALL= \
        "$root/usr/bin/renbin" --help >"$tmp/out" 2>&1 || fail "LANG=id renbin --help"
grep -q '^Penggunaan: renbin' "$tmp/out" ||
        fail "the extracted renbin does not speak Indonesian: $(head -n 2 "$tmp/out")"
env -u RENBIN_LOCALEDIR LANG=C.UTF-8 LANGUAGE=id \
        "$root/usr/bin/renbind" --help >"$tmp/out" 2>&1 || fail "LANGUAGE=id renbind --help"
grep -q '^Penggunaan: renbind' "$tmp/out" ||
        fail "the extracted renbind does not speak Indonesian: $(head -n 2 "$tmp/out")"
echo "ok: programs, Indonesian from the relocated tree"

if command -v groff >/dev/null 2>&1; then
        for m in "$root/usr/share/man/man8/renbind.8" "$root/usr/share/man/man1/renbin.1"; do
                groff -man -Tutf8 -z -ww "$m" >"$tmp/groff" 2>&1 || fail "groff $m"
                [ ! -s "$tmp/groff" ] || fail "groff warns on $m: $(cat "$tmp/groff")"
        done
        echo "ok: man pages parse"
else
        echo "skip: no groff, man pages not parsed"
fi

if command -v systemd-analyze >/dev/null 2>&1; then
        # The extracted renbind stands in for /usr/bin/renbind, which need not exist here.
        sed "s#/usr/bin/renbind#$root/usr/bin/renbind#g" \
                "$root/lib/systemd/system/renbind.service" >"$tmp/renbind.service"
        systemd-analyze verify --man=no "$tmp/renbind.service" >"$tmp/verify" 2>&1 ||
                fail "systemd-analyze verify: $(cat "$tmp/verify")"
        echo "ok: systemd-analyze verify"
else
        echo "skip: no systemd-analyze, the unit is not verified"
fi
echo "PASS"
