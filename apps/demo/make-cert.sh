#!/bin/sh
# Makes a local CA and a server certificate for 127.0.0.1, ::1 and localhost, for development and tests:
#   apps/demo/make-cert.sh [DIR]          (default: ./certs)
# writes DIR/ca.pem (trust this one: curl --cacert, wscat --ca, a browser's authorities), DIR/ca.key,
# DIR/cert.pem (the chain to serve) and DIR/key.pem, then:
#   build/apps/demo/demo --tls-cert DIR/cert.pem --tls-key DIR/key.pem
# EC P-256 keys; the certificate lasts 30 days. Never use these for anything public.
set -eu
dir=${1:-certs}
mkdir -p "$dir"
umask 077
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
  -subj "/CN=duplex local CA" -keyout "$dir/ca.key" -out "$dir/ca.pem" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=localhost" \
  -keyout "$dir/key.pem" -out "$dir/cert.csr" 2>/dev/null
printf 'basicConstraints=critical,CA:FALSE\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\n' \
  > "$dir/cert.ext"
openssl x509 -req -in "$dir/cert.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial -days 30 \
  -extfile "$dir/cert.ext" -out "$dir/cert.pem" 2>/dev/null
rm -f "$dir/cert.csr" "$dir/cert.ext" "$dir/ca.srl"
chmod 644 "$dir/ca.pem" "$dir/cert.pem"
echo "$dir/cert.pem $dir/key.pem (trust $dir/ca.pem)"
