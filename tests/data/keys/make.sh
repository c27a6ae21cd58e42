#!/bin/sh
# How the fixed test keys and their expected fingerprints were made (OpenSSL 3.0, OpenSSH 9.2).
# Re-running makes NEW keys: commit the keys and EXPECTED together.
set -e
cd "$(dirname "$0")"
openssl genrsa -traditional -out rsa2048.pem 2048          # as EC2 returns KeyMaterial (PKCS#1 PEM)
ssh-keygen -y -f rsa2048.pem > rsa2048.pub
ssh-keygen -e -f rsa2048.pub > rsa2048.rfc4716             # SSH2 / RFC 4716
ssh-keygen -e -m PKCS8 -f rsa2048.pub | grep -v -- ----- | tr -d '\n' > rsa2048.spki.b64; echo >> rsa2048.spki.b64
for b in 1024 3072 4096; do ssh-keygen -q -t rsa -b $b -N '' -C '' -f rsa$b; done
ssh-keygen -q -t ed25519 -N '' -C 'me@laptop' -f ed25519
ssh-keygen -q -t ecdsa -N '' -C '' -f ecdsa; ssh-keygen -q -t dsa -N '' -C '' -f dsa
rm -f rsa3072 ecdsa dsa                                     # only their public halves are needed
{
  # EC2-created RSA: SHA-1 of the DER PKCS#8 private key (verify-keys.html)
  echo "created rsa2048.pem $(openssl pkcs8 -in rsa2048.pem -inform PEM -outform DER -topk8 -nocrypt | openssl sha1 -c | sed 's/.*= //')"
  # Imported RSA: MD5 of the DER public key (verify-keys.html)
  echo "imported rsa2048.pem $(openssl rsa -in rsa2048.pem -pubout -outform DER 2>/dev/null | openssl md5 -c | sed 's/.*= //')"
  for b in 1024 4096; do
    echo "imported rsa$b.pub $(ssh-keygen -ef rsa$b -m PEM | openssl rsa -RSAPublicKey_in -outform DER 2>/dev/null | openssl md5 -c | sed 's/.*= //')"
  done
  # ED25519: SHA-256, base64 (ssh-keygen prints it unpadded after SHA256:)
  echo "ed25519 ed25519.pub $(ssh-keygen -l -E sha256 -f ed25519.pub | awk '{print $2}')"
} > EXPECTED
