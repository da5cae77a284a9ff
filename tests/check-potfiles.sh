#!/bin/sh
# Every source file with a translatable string must be in po/POTFILES.in,
# or its strings silently never reach translators.
set -eu
cd "$1"
missing=0
for file in $(grep -lE '(^|[^A-Za-z0-9_])N?_ ?\("' src/*.c src/*/*.c 2>/dev/null); do
  if ! grep -qx "$file" po/POTFILES.in; then
    echo "not in po/POTFILES.in: $file"
    missing=1
  fi
done
# GtkBuilder templates with a translatable property, and the data files
# that i18n.merge_file() translates.
for file in $(grep -l 'translatable="yes"' src/*/*.ui 2>/dev/null) \
            $(ls data/*.desktop.in data/*.metainfo.xml.in data/*.gschema.xml 2>/dev/null); do
  if ! grep -qx "$file" po/POTFILES.in; then
    echo "not in po/POTFILES.in: $file"
    missing=1
  fi
done
for file in $(grep -v '^#' po/POTFILES.in); do
  if [ ! -f "$file" ]; then
    echo "listed in po/POTFILES.in but missing: $file"
    missing=1
  fi
done
exit $missing
