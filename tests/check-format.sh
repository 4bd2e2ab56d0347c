#!/bin/sh
# The C sources are formatted as tools/gst-indent leaves them (GStreamer's
# style).  Prints what differs, as a patch that would fix it.
# Usage: check-format.sh SOURCE_ROOT
set -u
root=$1
if ! command -v indent >/dev/null 2>&1; then
  echo "SKIP: GNU indent is not installed (tools/install-deps installs it)"
  exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0
n=0
for f in "$root"/plugins/gst/*.c "$root"/plugins/kernels/*.c \
    "$root"/daemon/*.c "$root"/tests/*.c "$root"/tests/fuzz/*.c; do
  rel=${f#"$root"/}
  mkdir -p "$tmp/$(dirname "$rel")"
  cp "$f" "$tmp/$rel"
  "$root"/tools/gst-indent "$tmp/$rel"
  n=$((n + 1))
  if ! diff -u "$f" "$tmp/$rel" >"$tmp/diff"; then
    echo "not formatted: $rel (run tools/gst-indent $rel)"
    sed "s|$tmp/||" "$tmp/diff" | head -40
    status=1
  fi
done
echo "$n files checked"
exit $status
