#!/usr/bin/env bash
# record STATUS NAME [NOTE] from the command line (see lib.sh).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
record "$@"
