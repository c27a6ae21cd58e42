//! FACTS: Key pairs — fingerprints exactly as AWS computes them, checked against openssl and
//! ssh-keygen output on fixed keys (tests/data/keys/, made by make.sh; EXPECTED holds what the
//! tools printed), and the import formats EC2 accepts or refuses.

use ec2_tutor::keys::{self, ImportError, KeyType};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/keys/");

fn read(name: &str) -> String {
    std::fs::read_to_string(format!("{DIR}{name}")).unwrap()
}

fn expected(kind: &str, file: &str) -> String {
    read("EXPECTED")
        .lines()
        .find_map(|l| {
            let w: Vec<&str> = l.split_whitespace().collect();
            (w.first() == Some(&kind) && w.get(1) == Some(&file)).then(|| w[2].to_string())
        })
        .unwrap()
}

#[test]
fn created_rsa_fingerprint_is_sha1_of_pkcs8_der_as_openssl_prints_it() {
    let k = keys::rsa_private_from_pem(&read("rsa2048.pem")).unwrap();
    assert_eq!(
        keys::created_rsa_fingerprint(&k),
        expected("created", "rsa2048.pem")
    );
}

#[test]
fn imported_rsa_fingerprint_is_md5_of_der_public_key_as_openssl_prints_it() {
    let pk = keys::parse_public(read("rsa2048.pub").as_bytes()).unwrap();
    assert_eq!(pk.bits, 2048);
    assert_eq!(
        keys::imported_fingerprint(&pk),
        expected("imported", "rsa2048.pem")
    );
    for b in ["1024", "4096"] {
        let pk = keys::parse_public(read(&format!("rsa{b}.pub")).as_bytes()).unwrap();
        assert_eq!(pk.bits.to_string(), b);
        assert_eq!(
            keys::imported_fingerprint(&pk),
            expected("imported", &format!("rsa{b}.pub"))
        );
    }
}

#[test]
fn ed25519_fingerprint_is_sha256_base64_as_ssh_keygen_prints_it() {
    let pk = keys::parse_public(read("ed25519.pub").as_bytes()).unwrap();
    assert_eq!(pk.key_type, KeyType::Ed25519);
    let tool = expected("ed25519", "ed25519.pub");
    let tool = tool.strip_prefix("SHA256:").unwrap();
    // ssh-keygen drops base64's padding; AWS keeps it.
    assert_eq!(keys::imported_fingerprint(&pk), format!("{tool}="));
}

#[test]
fn import_accepts_openssh_rfc4716_and_base64_der_alike() {
    let openssh = keys::parse_public(read("rsa2048.pub").as_bytes()).unwrap();
    let rfc = keys::parse_public(read("rsa2048.rfc4716").as_bytes()).unwrap();
    let der = keys::parse_public(read("rsa2048.spki.b64").as_bytes()).unwrap();
    assert_eq!(openssh, rfc);
    assert_eq!(openssh, der);
}

#[test]
fn import_refuses_dsa_ecdsa_other_rsa_sizes_private_keys_and_garbage() {
    assert!(matches!(
        keys::parse_public(read("dsa.pub").as_bytes()),
        Err(ImportError::UnsupportedType(_))
    ));
    assert!(matches!(
        keys::parse_public(read("ecdsa.pub").as_bytes()),
        Err(ImportError::UnsupportedType(_))
    ));
    assert_eq!(
        keys::parse_public(read("rsa3072.pub").as_bytes()),
        Err(ImportError::UnsupportedLength(3072))
    );
    assert_eq!(
        keys::parse_public(read("rsa2048.pem").as_bytes()),
        Err(ImportError::Format)
    );
    for junk in [
        "",
        "hello",
        "ssh-rsa AAAA",
        "ssh-rsa !!!!",
        "AAAAB3NzaC1yc2E",
    ] {
        assert!(keys::parse_public(junk.as_bytes()).is_err(), "{junk}");
    }
}

#[test]
fn the_private_key_matches_its_public_key() {
    let pk = keys::public_of_private(&read("rsa2048.pem")).unwrap();
    assert!(keys::same_key(&pk.openssh, &read("rsa2048.pub")));
    let ed = keys::public_of_private(&read("ed25519")).unwrap();
    assert!(keys::same_key(&ed.openssh, &read("ed25519.pub")));
}
