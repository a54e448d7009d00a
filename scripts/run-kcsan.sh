#!/usr/bin/env bash
# KCSAN stage (make kcsan; KCSAN=1 make test runs it after the SMP stage):
# the x86_64 SMP kernel of scripts/run-smp.sh with the data-race detector
# (kernel/x86_64-kcsan.config over kernel/x86_64-smp.config), in
# build/x86_64-kcsan, booted under QEMU like the SMP stage: the KUnit
# suites, then the kselftests.  A KCSAN report is a "BUG: KCSAN:" line, so
# scripts/check-klog.sh fails on it like on any other splat.  The reports
# are also listed, one line per pair of racing functions with its count, in
# $OUT_DIR/kcsan-reports.txt, those with a dma-buf function in their stacks
# marked "dma-buf".
set -euo pipefail
. "$(dirname "$0")/lib.sh"
export STAGE=kcsan
rc=0
"$TOP/scripts/run-smp.sh" || rc=1
"$TOP/scripts/check-klog.sh" kunit-kcsan "$OUT_DIR/kunit-kcsan.log"
"$TOP/scripts/check-klog.sh" kselftest-kcsan "$OUT_DIR/kselftest-kcsan.log"
# One KCSAN report: from its "BUG: KCSAN:" line to the "=====" rule that
# closes it.  dma-buf's functions: dma_fence*, dma_resv*, dma_buf*,
# sync_file*, sw_sync*, sync_timeline*, timeline_fence*, the issuer's.
for l in kunit kselftest; do
	[ -f "$OUT_DIR/$l-kcsan.log" ] || continue
	tr -d '\r' <"$OUT_DIR/$l-kcsan.log" | awk -v src="$l" '
		BEGIN { re = "(^|[^a-z_])(dma_fence|dma_resv|dma_buf|sync_file|sw_sync|sync_timeline|timeline_fence|sync_print)" }
		/BUG: KCSAN: / { sub(/.*BUG: KCSAN: /, ""); title = $0; dma = $0 ~ re; inrep = 1; next }
		inrep && $0 ~ re { dma = 1 }
		inrep && /^(\[[ 0-9.]*\] )?=+$/ { print src ": " title (dma ? "  [dma-buf]" : ""); inrep = 0 }'
done | sort | uniq -c >"$OUT_DIR/kcsan-reports.txt"
if [ -s "$OUT_DIR/kcsan-reports.txt" ]; then
	say "kcsan: $(wc -l <"$OUT_DIR/kcsan-reports.txt") distinct data-race reports ($(grep -c 'dma-buf' "$OUT_DIR/kcsan-reports.txt" || true) in dma-buf code):"
	sed 's/^/  /' "$OUT_DIR/kcsan-reports.txt" >&2
else
	say "kcsan: no data-race report"
fi
exit $rc
