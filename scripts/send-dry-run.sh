#!/usr/bin/env bash
# What b4 send would mail, series by series (the fixes first, then the
# feature series), and as whom; nothing is sent.
#
#   scripts/send-dry-run.sh          (make send-dry-run)
#
# For each branch, b4 send -o writes the messages (into
# $OUT_DIR/send-dry-run/NAME/, with b4's log in NAME.log) instead of
# mailing them; this prints the identity, then the From:, To:, Cc: and
# Subject: of each message, and warns when a message would go out with
# someone else's authorship or Signed-off-by: than the sender's
# (scripts/resign.sh, make resign, fixes that).
#
# b4 runs with the user's own git and b4 settings, as b4 send would, but:
# the identity is the one the export uses (resolve_identity in lib.sh:
# git's user.name/user.email or b4's sendemail identity, else the project
# identity, or EXPORT_IDENTITY), given to b4 when it is not configured;
# without an SMTP server configured, one is named for b4 (b4 send -o does
# not connect; without one b4 goes for its web endpoint, which signs even
# what it only writes); --no-sign (the real send signs if patatt is set
# up); --not-me-too, as README's send command (To/Cc: get_maintainer.pl's).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
need git git
need b4 b4
need python3 python3
is_kernel_tree "$SRC" || die "$SRC is not a kernel tree: run scripts/apply.sh first"
check_stacked
resolve_identity
"$TOP/scripts/b4-prep.sh" 2>/dev/null
out=$OUT_DIR/send-dry-run
rm -rf "$out"
mkdir -p "$out"

# The settings b4 gets on top of the user's.
kv=()
if [ -n "${EXPORT_IDENTITY:-}" ] || [ -z "$CONF_EMAIL" ]; then
	kv+=(user.name "$ID_NAME" user.email "$ID_EMAIL" sendemail.from "$ID_NAME <$ID_EMAIL>"
		b4.sendemail-identity "")
fi
sid=$(user_config b4.sendemail-identity)
[ -n "$(user_config sendemail.smtpserver)" ] ||
	{ [ -n "$sid" ] && [ -n "$(user_config "sendemail.$sid.smtpserver")" ]; } ||
	kv+=(sendemail.smtpserver localhost)
run=(env GIT_CONFIG_COUNT=$((${#kv[@]} / 2)))
for ((i = 0; i * 2 < ${#kv[@]}; i++)); do
	run+=("GIT_CONFIG_KEY_$i=${kv[$((i * 2))]}" "GIT_CONFIG_VALUE_$i=${kv[$((i * 2 + 1))]}")
done

echo "Identity: $ID_NAME <$ID_EMAIL>"
echo "  from: $ID_SOURCE"
note=$(signer_note)
[ -z "$note" ] || printf '%s\n' "$note" | sed 's/^/WARNING: /'
rc=0
wt=
trap '[ -z "$wt" ] || b4_tree_done "$wt"' EXIT
for s in $SERIES_NAMES; do
	branch=$(series_branch "$s")
	wt=$(b4_tree "$branch")
	echo
	echo "== $s series: branch $branch, b4 change-id $(series_change_id "$s"), v${SERIES_REVISION:-1}"
	if ! (cd "$wt" && "${run[@]}" b4 send -o "$out/$s" --no-sign --not-me-too) >"$out/$s.log" 2>&1; then
		sed 's/^/  b4: /' "$out/$s.log"
		die "b4 send -o failed on $branch (log: $out/$s.log)"
	fi
	echo "  $(ls "$out/$s" | wc -l) messages, written to $out/$s/ (b4 send -o)"
	python3 "$TOP/scripts/b4-mail.py" show "$out/$s" || rc=1
	b4_tree_done "$wt"
	wt=
done
echo
echo "Nothing was sent."
if [ $rc != 0 ] || [ -n "$note" ]; then
	echo "Some messages are not signed off by $ID_NAME <$ID_EMAIL>: make resign first (README, \"Sending\")."
fi
echo "To send (README, \"Sending\"): in ${SRC#"$TOP"/}, b4 send --not-me-too on $FIXES_BRANCH, then on $SERIES_BRANCH."
