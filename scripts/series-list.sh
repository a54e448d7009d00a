#!/usr/bin/env bash
# Print the patches named in the quilt series file, in order.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
[ -f "$TOP/series" ] || die "no series file at $TOP/series"
sed -e 's/#.*//' -e 's/[[:space:]].*//' "$TOP/series" | grep -v '^$' || true
