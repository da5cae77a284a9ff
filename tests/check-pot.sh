#!/bin/sh
# windsock.pot regenerates cleanly, and each translation in po/LINGUAS
# matches it: xgettext runs as `meson compile windsock-pot` does (the same
# arguments, from po/meson.build) into a temporary directory, must say
# nothing on stderr, and every msgid of the template must be in each PO
# file and every msgid of each PO file in the template (a changed string
# needs `meson compile windsock-update-po` and a translation).
# Usage: check-pot.sh SOURCE_ROOT XGETTEXT_ARG...
set -eu
srcroot=$1
shift
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

xgettext --package-name=windsock -f "$srcroot/po/POTFILES.in" -D "$srcroot" -k_ \
  -o "$tmp/windsock.pot" "$@" 2>"$tmp/xgettext.err"
if [ -s "$tmp/xgettext.err" ]; then
  echo "xgettext warned:"
  cat "$tmp/xgettext.err"
  exit 1
fi

status=0
for lang in $(grep -v '^#' "$srcroot/po/LINGUAS"); do
  po="$srcroot/po/$lang.po"
  # msgcmp DEF REF: every msgid of REF must be in DEF.
  if ! msgcmp -N "$po" "$tmp/windsock.pot" 2>"$tmp/missing"; then
    echo "po/$lang.po lacks these strings of the sources:"
    cat "$tmp/missing"
    status=1
  fi
  if ! msgcmp -N --use-untranslated "$tmp/windsock.pot" "$po" 2>"$tmp/stale"; then
    echo "po/$lang.po translates strings that are no longer in the sources:"
    cat "$tmp/stale"
    status=1
  fi
done
if [ $status -ne 0 ]; then
  echo "Update with: meson compile -C BUILDDIR windsock-pot windsock-update-po"
fi
exit $status
