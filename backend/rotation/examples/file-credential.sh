#!/bin/sh
# An exec rotator for a file-based credential: a service accepts every
# token listed, one per line, in $CREDENTIAL_FILE (an htpasswd-like file it
# rereads on each request). Install it and turn rotation on with
#
#   secretary rotate-secret --secret-id app/token \
#     --rotation-lambda-arn exec:/usr/local/lib/secretary/file-credential.sh \
#     --rotation-rules '{"ScheduleExpression":"rate(7 days)"}'
#
# secretary runs it once per step with a JSON request on stdin, e.g.
#   {"Version":1,"Step":"setSecret","SecretId":"arn:…","ClientRequestToken":"…",
#    "Current":{"VersionId":"…","SecretString":"…"},
#    "Pending":{"VersionId":"…","SecretString":"…"}}
# Exit 0 for success; on failure print a reason on stderr and exit non-zero.
# Every step must be safe to run twice.
#
# This script makes its own tokens from letters and digits only, so it can
# pull them out of the request with sed; a rotator handling arbitrary values
# should parse the JSON properly (jq, or a real language).
set -eu

: "${CREDENTIAL_FILE:?set CREDENTIAL_FILE to the credential file}"
umask 077
req=$(cat)

field() { # field Current|Pending -> that version's SecretString
	printf '%s' "$req" | sed -n "s/.*\"$1\":{\"VersionId\":\"[^\"]*\",\"SecretString\":\"\([A-Za-z0-9]*\)\".*/\1/p"
}
step=$(printf '%s' "$req" | sed -n 's/.*"Step":"\([A-Za-z]*\)".*/\1/p')
touch "$CREDENTIAL_FILE"

case "$step" in
createSecret)
	# A new 40-character token; secretary stores it as the AWSPENDING version.
	token=$(LC_ALL=C tr -dc 'A-Za-z0-9' </dev/urandom | dd bs=40 count=1 2>/dev/null)
	printf '{"SecretString":"%s"}\n' "$token"
	;;
setSecret)
	# Accept the pending token alongside the current one.
	new=$(field Pending)
	[ -n "$new" ] || { echo "the pending value is not a token this script made" >&2; exit 1; }
	grep -qxF "$new" "$CREDENTIAL_FILE" || printf '%s\n' "$new" >>"$CREDENTIAL_FILE"
	;;
testSecret)
	new=$(field Pending)
	grep -qxF "$new" "$CREDENTIAL_FILE" || { echo "the pending token is not in $CREDENTIAL_FILE" >&2; exit 1; }
	;;
finishSecret)
	# The pending token becomes current (secretary moves the labels after we
	# exit 0); retire the old one so it stops working.
	old=$(field Current)
	new=$(field Pending)
	if [ -n "$old" ] && [ "$old" != "$new" ]; then
		tmp="$CREDENTIAL_FILE.tmp.$$"
		grep -vxF "$old" "$CREDENTIAL_FILE" >"$tmp" || true
		mv "$tmp" "$CREDENTIAL_FILE"
	fi
	;;
*)
	echo "unknown step: $step" >&2
	exit 1
	;;
esac
