# Entry points; the work is done by scripts/ (see README).
.PHONY: all run test fixes smp kcsan debug lts export check-export check-b4 range-diff apply reset resign b4-prep send-dry-run bench clean distclean

all: run

run:
	@scripts/run.sh

test:
	@scripts/run.sh --test

fixes:
	@scripts/run-fixes.sh

smp:
	@scripts/run-smp.sh

kcsan:
	@scripts/run-kcsan.sh

debug:
	@scripts/run-debug.sh

lts:
	@scripts/run-lts.sh

bench:
	@scripts/deps.sh && scripts/apply.sh && bench/run.py

apply:
	@scripts/apply.sh

reset:
	@scripts/apply.sh --reset

resign:
	@scripts/resign.sh

b4-prep:
	@scripts/b4-prep.sh

send-dry-run:
	@scripts/send-dry-run.sh

export:
	@scripts/export.sh

check-export:
	@scripts/check-export.sh

check-b4:
	@scripts/check-b4.sh

range-diff:
	@scripts/range-diff.sh

clean:
	rm -rf out build

distclean: clean
	rm -rf .cache kernel/src
