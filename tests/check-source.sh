#!/bin/sh
# Rules of the tree's shape (the parameter-contract issue):
# - no hand-written C file is longer than 720 lines (split along its jobs);
# - the daemon learns what an element refuses from the element (its "check"
#   and "take-refusals" signals), never from its log text or a scratch
#   copy: no log handler, no element made just to try values on.
# Usage: check-source.sh SOURCE_ROOT
set -u
root=$1
status=0
for f in "$root"/plugins/gst/*.c "$root"/plugins/kernels/*.c \
    "$root"/daemon/*.c "$root"/tests/*.c "$root"/tests/fuzz/*.c; do
  n=$(wc -l <"$f")
  if [ "$n" -gt 720 ]; then
    echo "too long: ${f#"$root"/} has $n lines (at most 720)"
    status=1
  fi
done
if grep -n "g_log_set_handler\|g_log_set_writer_func" "$root"/daemon/*.c; then
  echo "the daemon installs a log handler (validation must use the element's"
  echo "check / take-refusals signals)"
  status=1
fi
if grep -n "gst_element_factory_create" "$root"/daemon/*.c; then
  echo "the daemon creates scratch elements"
  status=1
fi
[ $status -eq 0 ] && echo "source rules hold"
exit $status
