#!/bin/sh
# Each translation in po/LINGUAS is valid (msgfmt --check: format strings
# match, plural forms, header) and complete: no untranslated or fuzzy
# entries.
# Usage: check-po.sh SOURCE_ROOT
set -eu
cd "$1/po"
status=0
for lang in $(grep -v '^#' LINGUAS); do
  if ! stats=$(LC_ALL=C msgfmt --check --statistics -o /dev/null "$lang.po" 2>&1); then
    echo "$stats"
    status=1
    continue
  fi
  echo "$lang: $stats"
  case "$stats" in
    *untranslated*|*fuzzy*)
      echo "po/$lang.po is incomplete; list the entries with:"
      echo "  msgattrib --untranslated po/$lang.po; msgattrib --only-fuzzy po/$lang.po"
      status=1 ;;
  esac
done
exit $status
