#!/bin/sh
# sign-selftest.sh OPENSSL OUT BLOB KEY...: signs BLOB with the first KEY
# that is an unencrypted PEM private key, into OUT, as
# `openssl dgst -sha256 -sign` does.  With no such key (only public keys
# were configured), or when openssl cannot use the key, OUT is left empty:
# sv-trusted-keys then embeds no self-test blob, and reports any problem
# with the key itself far more clearly than openssl would here.
set -u
openssl=$1 out=$2 blob=$3
shift 3
: > "$out"
for key in "$@"; do
    if grep -aq -- '-----BEGIN .*PRIVATE KEY-----' "$key" 2>/dev/null &&
       ! grep -aq -- 'ENCRYPTED' "$key" 2>/dev/null; then
        "$openssl" dgst -sha256 -sign "$key" -out "$out" "$blob" </dev/null 2>/dev/null || : > "$out"
        exit 0
    fi
done
exit 0
