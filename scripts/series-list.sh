#!/usr/bin/env bash
# Print the patches of the series, in order, as paths relative to patches/:
# those named in patches/fixes/series (as fixes/NNNN-...), then those named
# in series.
#
#   scripts/series-list.sh [fixes|feature]     one series only
set -euo pipefail
. "$(dirname "$0")/lib.sh"
for s in ${1:-$SERIES_NAMES}; do
	case " $SERIES_NAMES " in *" $s "*) ;; *) die "no series '$s' (one of: $SERIES_NAMES)" ;; esac
	f=$(series_file "$s")
	[ -f "$f" ] || die "no series file at ${f#"$TOP"/}"
	sed -e 's/#.*//' -e 's/[[:space:]].*//' "$f" | grep -v '^$' | sed "s|^|$(series_prefix "$s")|" || true
done
