//! SSH key material as EC2 handles it: generating key pairs (RSA 2048, ED25519) from the
//! seeded generator, parsing the public key formats ImportKeyPair accepts, and the three
//! fingerprints AWS computes (FACTS: Key pairs; AWSEC2/latest/UserGuide/verify-keys.html).
//!
//! - EC2-created RSA: SHA-1 of the DER PKCS#8 private key, colon hex
//!   (`openssl pkcs8 -in k.pem -inform PEM -outform DER -topk8 -nocrypt | openssl sha1 -c`).
//! - Imported RSA: MD5 of the DER public key (SubjectPublicKeyInfo), colon hex
//!   (`openssl rsa -in k.pem -pubout -outform DER | openssl md5 -c`).
//! - ED25519 (either way): SHA-256 of the SSH public key blob, base64 (as OpenSSH ≥ 6.8
//!   prints it after `SHA256:`; AWS keeps the `=` padding).
//!
//! **Invariant:** pure — no clock, no OS randomness: every random byte comes from the
//! [`IdGen`] passed in (adapted to `rand_core` 0.6 by [`SeededRng`]).

use crate::model::ids::IdGen;
use base64ct::{Base64, Encoding};
use rsa::pkcs1::{DecodeRsaPrivateKey, DecodeRsaPublicKey, EncodeRsaPrivateKey};
use rsa::pkcs8::{DecodePublicKey, EncodePrivateKey, EncodePublicKey};
use rsa::traits::{PrivateKeyParts, PublicKeyParts};
use rsa::{BigUint, RsaPrivateKey, RsaPublicKey};
use sha1::Digest;
use ssh_key::public::KeyData;

/// The key types EC2 supports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyType {
    Rsa,
    Ed25519,
}

impl KeyType {
    pub fn as_str(self) -> &'static str {
        match self {
            KeyType::Rsa => "rsa",
            KeyType::Ed25519 => "ed25519",
        }
    }
    pub fn parse(s: &str) -> Option<KeyType> {
        match s {
            "rsa" => Some(KeyType::Rsa),
            "ed25519" => Some(KeyType::Ed25519),
            _ => None,
        }
    }
}

/// The private key format CreateKeyPair returns (`--key-format`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyFormat {
    Pem,
    Ppk,
}

/// A public key EC2 accepts, in canonical OpenSSH form (`ssh-rsa AAAA…`, no comment).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicKey {
    pub key_type: KeyType,
    /// Modulus size for RSA, 256 for ED25519.
    pub bits: usize,
    pub openssh: String,
}

/// Why ImportKeyPair refused the material.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImportError {
    /// Not a public key in a format EC2 reads (garbage, a private key, …).
    Format,
    /// A well-formed key of a type EC2 does not accept (DSA, ECDSA, …).
    UnsupportedType(String),
    /// An RSA key of a size EC2 does not accept.
    UnsupportedLength(usize),
}

/// Adapts the seeded [`IdGen`] to `rand_core` 0.6, which the key crates use.
pub struct SeededRng<'a>(pub &'a mut IdGen);

impl rand_core_06::RngCore for SeededRng<'_> {
    fn next_u32(&mut self) -> u32 {
        self.0.next_u64() as u32
    }
    fn next_u64(&mut self) -> u64 {
        self.0.next_u64()
    }
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        for chunk in dest.chunks_mut(8) {
            let b = self.0.next_u64().to_le_bytes();
            chunk.copy_from_slice(&b[..chunk.len()]);
        }
    }
    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand_core_06::Error> {
        self.fill_bytes(dest);
        Ok(())
    }
}

/// Deterministic, not secret: this is a simulator. The key crates ask for a CSPRNG marker.
impl rand_core_06::CryptoRng for SeededRng<'_> {}

/// `aa:bb:…` lowercase hex.
fn colon_hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// SHA-256 of the SSH wire blob, base64 with padding (ED25519 fingerprints).
fn sha256_b64(blob: &[u8]) -> String {
    Base64::encode_string(&sha2::Sha256::digest(blob))
}

/// The RSA public key inside ssh-key's RSA key data.
fn rsa_from_ssh(k: &ssh_key::public::RsaPublicKey) -> Option<RsaPublicKey> {
    let n = BigUint::from_bytes_be(k.n.as_positive_bytes()?);
    let e = BigUint::from_bytes_be(k.e.as_positive_bytes()?);
    RsaPublicKey::new_with_max_size(n, e, 16384).ok()
}

fn ssh_from_rsa(k: &RsaPublicKey) -> Option<KeyData> {
    let n = ssh_key::Mpint::from_positive_bytes(&k.n().to_bytes_be()).ok()?;
    let e = ssh_key::Mpint::from_positive_bytes(&k.e().to_bytes_be()).ok()?;
    Some(KeyData::Rsa(ssh_key::public::RsaPublicKey { e, n }))
}

/// `TYPE BASE64` of a key's data (no comment).
fn openssh_line(k: &KeyData) -> Option<String> {
    ssh_key::PublicKey::new(k.clone(), "")
        .to_openssh()
        .ok()
        .map(|s| s.trim().to_string())
}

/// The fingerprint AWS shows for an imported public key: MD5 of the DER public key for RSA,
/// SHA-256 base64 for ED25519.
pub fn imported_fingerprint(pk: &PublicKey) -> String {
    let Ok(parsed) = ssh_key::PublicKey::from_openssh(&pk.openssh) else {
        return String::new();
    };
    match parsed.key_data() {
        KeyData::Rsa(r) => match rsa_from_ssh(r).and_then(|k| k.to_public_key_der().ok()) {
            Some(der) => colon_hex(&md5::Md5::digest(der.as_bytes())),
            None => String::new(),
        },
        k => sha256_b64(
            &ssh_key::PublicKey::new(k.clone(), "")
                .to_bytes()
                .unwrap_or_default(),
        ),
    }
}

/// The fingerprint AWS shows for an RSA key pair it created: SHA-1 of the DER PKCS#8 private
/// key.
pub fn created_rsa_fingerprint(k: &RsaPrivateKey) -> String {
    match k.to_pkcs8_der() {
        Ok(der) => colon_hex(&sha1::Sha1::digest(der.as_bytes())),
        Err(_) => String::new(),
    }
}

/// A key pair made by CreateKeyPair (or by the tutor's `ssh-keygen`).
#[derive(Clone, Debug)]
pub struct Generated {
    pub public: PublicKey,
    /// What EC2 returns as `KeyMaterial` (PEM, or PuTTY's PPK).
    pub private: String,
    /// The private key as PEM (what `ssh -i` and `--priv-launch-key` read).
    pub private_pem: String,
    /// As AWS computes it for a key it created.
    pub fingerprint: String,
}

/// Generates a key pair from the seeded generator: RSA 2048 (EC2's default) or ED25519.
pub fn generate(kt: KeyType, format: KeyFormat, name: &str, ids: &mut IdGen) -> Option<Generated> {
    match kt {
        KeyType::Rsa => {
            let k = RsaPrivateKey::new(&mut SeededRng(ids), 2048).ok()?;
            from_rsa_private(&k, format, name)
        }
        KeyType::Ed25519 => {
            let mut seed = [0u8; 32];
            rand_core_06::RngCore::fill_bytes(&mut SeededRng(ids), &mut seed);
            let kp = ssh_key::private::Ed25519Keypair::from_seed(&seed);
            let public = KeyData::Ed25519(kp.public);
            let openssh = openssh_line(&public)?;
            let pk = PublicKey {
                key_type: KeyType::Ed25519,
                bits: 256,
                openssh,
            };
            let private_pem = ssh_key::PrivateKey::new(kp.clone().into(), name)
                .ok()?
                .to_openssh(ssh_key::LineEnding::LF)
                .ok()?
                .to_string();
            let private = match format {
                KeyFormat::Pem => private_pem.clone(),
                // UNCONFIRMED: PuTTY stores the ED25519 private half as one mpint of the
                // 32-byte seed; PuTTY's exact layout is not checked here.
                KeyFormat::Ppk => ppk(
                    "ssh-ed25519",
                    name,
                    &ssh_key::PublicKey::new(public, "").to_bytes().ok()?,
                    &mpint(&seed),
                ),
            };
            Some(Generated {
                fingerprint: imported_fingerprint(&pk),
                public: pk,
                private,
                private_pem,
            })
        }
    }
}

/// A key pair from an RSA private key (used for generated keys and fixed ones).
pub fn from_rsa_private(k: &RsaPrivateKey, format: KeyFormat, name: &str) -> Option<Generated> {
    let public = ssh_from_rsa(&k.to_public_key())?;
    let openssh = openssh_line(&public)?;
    let private_pem = k.to_pkcs1_pem(rsa::pkcs8::LineEnding::LF).ok()?.to_string();
    let private = match format {
        KeyFormat::Pem => private_pem.clone(),
        KeyFormat::Ppk => {
            let primes = k.primes();
            let (p, q) = (primes.first()?, primes.get(1)?);
            let iqmp = k.crt_coefficient()?;
            let mut blob = mpint(&k.d().to_bytes_be());
            blob.extend(mpint(&p.to_bytes_be()));
            blob.extend(mpint(&q.to_bytes_be()));
            blob.extend(mpint(&iqmp.to_bytes_be()));
            ppk(
                "ssh-rsa",
                name,
                &ssh_key::PublicKey::new(public, "").to_bytes().ok()?,
                &blob,
            )
        }
    };
    Some(Generated {
        public: PublicKey {
            key_type: KeyType::Rsa,
            bits: k.size() * 8,
            openssh,
        },
        private,
        private_pem,
        fingerprint: created_rsa_fingerprint(k),
    })
}

/// Parses a PKCS#1 (`BEGIN RSA PRIVATE KEY`) or PKCS#8 PEM RSA private key.
pub fn rsa_private_from_pem(pem: &str) -> Option<RsaPrivateKey> {
    RsaPrivateKey::from_pkcs1_pem(pem)
        .ok()
        .or_else(|| rsa::pkcs8::DecodePrivateKey::from_pkcs8_pem(pem).ok())
}

/// The public key (canonical OpenSSH) of a private key in PEM or OpenSSH format.
pub fn public_of_private(pem: &str) -> Option<PublicKey> {
    if let Some(k) = rsa_private_from_pem(pem) {
        let kd = ssh_from_rsa(&k.to_public_key())?;
        return Some(PublicKey {
            key_type: KeyType::Rsa,
            bits: k.size() * 8,
            openssh: openssh_line(&kd)?,
        });
    }
    let k = ssh_key::PrivateKey::from_openssh(pem).ok()?;
    check_key(k.public_key().key_data()).ok()
}

/// An SSH `string`.
fn ssh_string(out: &mut Vec<u8>, b: &[u8]) {
    out.extend((b.len() as u32).to_be_bytes());
    out.extend(b);
}

/// An SSH `mpint` (with its length) of a big-endian positive number.
fn mpint(be: &[u8]) -> Vec<u8> {
    let mut v: Vec<u8> = be.iter().copied().skip_while(|b| *b == 0).collect();
    if v.first().is_some_and(|b| b & 0x80 != 0) {
        v.insert(0, 0);
    }
    let mut out = Vec::new();
    ssh_string(&mut out, &v);
    out
}

/// PuTTY's unencrypted `PuTTY-User-Key-File-2` format, with its HMAC-SHA1 MAC.
fn ppk(algo: &str, comment: &str, public: &[u8], private: &[u8]) -> String {
    let mut data = Vec::new();
    ssh_string(&mut data, algo.as_bytes());
    ssh_string(&mut data, b"none");
    ssh_string(&mut data, comment.as_bytes());
    ssh_string(&mut data, public);
    ssh_string(&mut data, private);
    let key = sha1::Sha1::digest(b"putty-private-key-file-mac-key");
    let mac = hmac_sha1(&key, &data);
    let lines = |b: &[u8]| -> Vec<String> {
        let s = Base64::encode_string(b);
        s.as_bytes()
            .chunks(64)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect()
    };
    let (pl, vl) = (lines(public), lines(private));
    format!(
        "PuTTY-User-Key-File-2: {algo}\nEncryption: none\nComment: {comment}\nPublic-Lines: {}\n{}\nPrivate-Lines: {}\n{}\nPrivate-MAC: {}\n",
        pl.len(),
        pl.join("\n"),
        vl.len(),
        vl.join("\n"),
        mac.iter().map(|b| format!("{b:02x}")).collect::<String>()
    )
}

fn hmac_sha1(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut k = [0u8; 64];
    k[..key.len().min(64)].copy_from_slice(&key[..key.len().min(64)]);
    let ipad: Vec<u8> = k.iter().map(|b| b ^ 0x36).collect();
    let opad: Vec<u8> = k.iter().map(|b| b ^ 0x5c).collect();
    let inner = sha1::Sha1::new()
        .chain_update(&ipad)
        .chain_update(data)
        .finalize();
    sha1::Sha1::new()
        .chain_update(&opad)
        .chain_update(inner)
        .finalize()
        .to_vec()
}

/// Accepts RSA 1024/2048/4096 and ED25519 (FACTS: ImportKeyPair).
fn check_key(k: &KeyData) -> Result<PublicKey, ImportError> {
    match k {
        KeyData::Rsa(r) => {
            let pk = rsa_from_ssh(r).ok_or(ImportError::Format)?;
            let bits = pk.n().bits();
            // FACTS: RSA 1024, 2048 or 4096 bits. UNCONFIRMED which error AWS gives for
            // other sizes; InvalidKey.Format is used.
            if ![1024, 2048, 4096].contains(&bits) {
                return Err(ImportError::UnsupportedLength(bits));
            }
            Ok(PublicKey {
                key_type: KeyType::Rsa,
                bits,
                openssh: openssh_line(k).ok_or(ImportError::Format)?,
            })
        }
        KeyData::Ed25519(_) => Ok(PublicKey {
            key_type: KeyType::Ed25519,
            bits: 256,
            openssh: openssh_line(k).ok_or(ImportError::Format)?,
        }),
        other => Err(ImportError::UnsupportedType(
            other.algorithm().as_str().to_string(),
        )),
    }
}

fn from_rsa_public(k: RsaPublicKey) -> Result<PublicKey, ImportError> {
    check_key(&ssh_from_rsa(&k).ok_or(ImportError::Format)?)
}

/// The type name at the start of an OpenSSH line, for keys ssh-key cannot decode.
fn foreign_type(text: &str) -> Option<String> {
    let t = text.split_whitespace().next()?;
    (t.starts_with("ssh-dss") || t.starts_with("ecdsa-") || t.starts_with("sk-"))
        .then(|| t.to_string())
}

/// Parses what ImportKeyPair accepts: an OpenSSH public key line, an SSH2 (RFC 4716) public
/// key file, or base64 DER (SubjectPublicKeyInfo or PKCS#1); PEM `PUBLIC KEY` too.
pub fn parse_public(material: &[u8]) -> Result<PublicKey, ImportError> {
    parse_public_depth(material, 0)
}

fn parse_public_depth(material: &[u8], depth: u8) -> Result<PublicKey, ImportError> {
    let text = std::str::from_utf8(material)
        .map_err(|_| ImportError::Format)?
        .trim();
    if text.contains("PRIVATE KEY") {
        return Err(ImportError::Format);
    }
    if text.starts_with("---- BEGIN SSH2 PUBLIC KEY ----") {
        let mut b64 = String::new();
        let mut continued = false;
        for line in text.lines().skip(1) {
            let line = line.trim();
            if line.starts_with("---- END SSH2 PUBLIC KEY ----") {
                break;
            }
            // Header lines are `Tag: value`, continued with a trailing backslash.
            if continued || line.contains(':') {
                continued = line.ends_with('\\');
                continue;
            }
            b64.push_str(line);
        }
        let blob = Base64::decode_vec(&b64).map_err(|_| ImportError::Format)?;
        let pk = ssh_key::PublicKey::from_bytes(&blob).map_err(|_| ImportError::Format)?;
        return check_key(pk.key_data());
    }
    if text.starts_with("-----BEGIN PUBLIC KEY-----") {
        return RsaPublicKey::from_public_key_pem(text)
            .map_err(|_| ImportError::Format)
            .and_then(from_rsa_public);
    }
    if text.starts_with("-----BEGIN RSA PUBLIC KEY-----") {
        return RsaPublicKey::from_pkcs1_pem(text)
            .map_err(|_| ImportError::Format)
            .and_then(from_rsa_public);
    }
    if let Some(t) = foreign_type(text) {
        return Err(ImportError::UnsupportedType(t));
    }
    if text.starts_with("ssh-") {
        let pk = ssh_key::PublicKey::from_openssh(text).map_err(|_| ImportError::Format)?;
        return check_key(pk.key_data());
    }
    // Base64: DER, or (as AWS CLI v2 sends blobs) an OpenSSH line encoded once more.
    let compact: String = text.split_whitespace().collect();
    let der = Base64::decode_vec(&compact).map_err(|_| ImportError::Format)?;
    if let Ok(k) = RsaPublicKey::from_public_key_der(&der) {
        return from_rsa_public(k);
    }
    if let Ok(k) = RsaPublicKey::from_pkcs1_der(&der) {
        return from_rsa_public(k);
    }
    if depth == 0 {
        return parse_public_depth(&der, 1);
    }
    Err(ImportError::Format)
}

/// `TYPE BASE64` of an authorized_keys or public key line, for comparing keys (comments and
/// options aside).
pub fn key_identity(line: &str) -> Option<(String, String)> {
    let mut w = line.split_whitespace();
    let (t, b) = (w.next()?, w.next()?);
    Some((t.to_string(), b.to_string()))
}

/// True when two public key lines hold the same key.
pub fn same_key(a: &str, b: &str) -> bool {
    matches!((key_identity(a), key_identity(b)), (Some(x), Some(y)) if x == y)
}

/// Encrypts a Windows Administrator password with the launch key's RSA public key, as EC2
/// does for GetPasswordData (PKCS#1 v1.5), base64.
pub fn encrypt_password(public_openssh: &str, password: &str, ids: &mut IdGen) -> Option<String> {
    let pk = ssh_key::PublicKey::from_openssh(public_openssh).ok()?;
    let KeyData::Rsa(r) = pk.key_data() else {
        return None;
    };
    let k = rsa_from_ssh(r)?;
    let ct = k
        .encrypt(
            &mut SeededRng(ids),
            rsa::Pkcs1v15Encrypt,
            password.as_bytes(),
        )
        .ok()?;
    Some(Base64::encode_string(&ct))
}

/// Decrypts GetPasswordData's `PasswordData` with the private key (what the CLI does with
/// `--priv-launch-key`).
pub fn decrypt_password(private_pem: &str, data: &str) -> Option<String> {
    let k = rsa_private_from_pem(private_pem)?;
    let ct = Base64::decode_vec(data.trim()).ok()?;
    let pt = k.decrypt(rsa::Pkcs1v15Encrypt, &ct).ok()?;
    String::from_utf8(pt).ok()
}

/// Fixed RSA keys (generated once with openssl) for key pairs a scenario declares without
/// material: real keys without paying for RSA generation at every load.
pub const FIXED_RSA: &[&str] = &[
    include_str!("keys/fixed1.pem"),
    include_str!("keys/fixed2.pem"),
    include_str!("keys/fixed3.pem"),
    include_str!("keys/fixed4.pem"),
    include_str!("keys/fixed5.pem"),
    include_str!("keys/fixed6.pem"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generation_is_seeded() {
        let a = generate(KeyType::Ed25519, KeyFormat::Pem, "k", &mut IdGen::new(1));
        let b = generate(KeyType::Ed25519, KeyFormat::Pem, "k", &mut IdGen::new(1));
        let (a, b) = (a.unwrap(), b.unwrap());
        assert_eq!(a.public, b.public);
        assert!(a.private.starts_with("-----BEGIN OPENSSH PRIVATE KEY-----"));
        assert_eq!(public_of_private(&a.private_pem), Some(a.public.clone()));
    }

    #[test]
    fn fixed_keys_parse() {
        for pem in FIXED_RSA {
            let k = rsa_private_from_pem(pem).unwrap();
            assert_eq!(k.size() * 8, 2048);
        }
    }
}
