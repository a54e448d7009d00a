# Entry points; the work is done by scripts/ (see README).
.PHONY: all run test fixes smp debug export check-export range-diff apply reset resign bench clean distclean

all: run

run:
	@scripts/run.sh

test:
	@scripts/run.sh --test

fixes:
	@scripts/run-fixes.sh

smp:
	@scripts/run-smp.sh

debug:
	@scripts/run-debug.sh

bench:
	@scripts/deps.sh && scripts/apply.sh && bench/run.py

apply:
	@scripts/apply.sh

reset:
	@scripts/apply.sh --reset

resign:
	@scripts/resign.sh

export:
	@scripts/export.sh

check-export:
	@scripts/check-export.sh

range-diff:
	@scripts/range-diff.sh

clean:
	rm -rf out build

distclean: clean
	rm -rf .cache kernel/src
