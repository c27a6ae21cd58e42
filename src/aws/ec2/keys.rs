//! Key pair commands: create-key-pair (real RSA 2048 / ED25519 keys from the seeded
//! generator, PEM or PPK), import-key-pair, describe-key-pairs, delete-key-pair, and
//! get-password-data for Windows instances.
//!
//! FACTS (Key pairs): EC2 keeps only the public key; deleting a key pair removes EC2's copy
//! only (instances keep their authorized_keys); 5,000 key pairs per Region; DSA and other
//! types are refused with InvalidKey.Format. The learner "saves" the private key a create
//! returns: it goes to the workstation as `NAME.pem` / `NAME.ppk`.

use super::super::args::Args;
use super::super::filters::{self, Filter};
use super::super::{AwsError, Ctx};
use super::check_id;
use crate::keys::{self, ImportError, KeyFormat, KeyType};
use crate::model::{KeyPair, LocalKey};
use crate::net::types::Os;
use serde_json::{json, Value};

/// FACTS: 5,000 key pairs per Region.
pub const KEY_PAIRS_PER_REGION: usize = 5_000;

fn check_name(args: &Args<'_>, name: &str) -> Result<(), AwsError> {
    // Key names: up to 255 ASCII characters.
    if name.is_empty() || name.len() > 255 || !name.is_ascii() {
        return Err(args.err(
            "InvalidParameterValue",
            format!("Value ({name}) for parameter keyName is invalid. Key names must be up to 255 ASCII characters."),
        ));
    }
    Ok(())
}

fn check_room(ctx: &Ctx<'_>, args: &Args<'_>, name: &str) -> Result<(), AwsError> {
    if ctx.account.key_pairs.iter().any(|k| k.name == name) {
        return Err(args.err(
            "InvalidKeyPair.Duplicate",
            format!("The keypair '{name}' already exists."),
        ));
    }
    if ctx.account.key_pairs.len() >= KEY_PAIRS_PER_REGION {
        // UNCONFIRMED code and wording for the key pair quota.
        return Err(args.err(
            "ResourceLimitExceeded",
            format!("Maximum number of key pairs ({KEY_PAIRS_PER_REGION}) per Region reached."),
        ));
    }
    Ok(())
}

/// Keeps a local key, replacing one with the same name (saving over a file).
pub fn save_local(ctx: &mut Ctx<'_>, key: LocalKey) {
    ctx.account.workstation.retain(|k| k.name != key.name);
    ctx.account.workstation.push(key);
}

pub fn create_key_pair(ctx: &mut Ctx<'_>, args: &Args<'_>) -> Result<Value, AwsError> {
    let name = args.str("key-name").unwrap_or_default();
    check_name(args, name)?;
    let kt = match args.str("key-type").unwrap_or("rsa") {
        "rsa" => KeyType::Rsa,
        "ed25519" => KeyType::Ed25519,
        other => {
            return Err(args.err(
                "InvalidParameterValue",
                format!(
                    "Value ({other}) for parameter keyType is invalid. Valid values: rsa, ed25519"
                ),
            ))
        }
    };
    let format = match args.str("key-format").unwrap_or("pem") {
        "pem" => KeyFormat::Pem,
        "ppk" => KeyFormat::Ppk,
        other => {
            return Err(args.err(
                "InvalidParameterValue",
                format!(
                    "Value ({other}) for parameter keyFormat is invalid. Valid values: pem, ppk"
                ),
            ))
        }
    };
    check_room(ctx, args, name)?;
    let id = ctx.fresh_id("key");
    let Some(g) = keys::generate(kt, format, name, ctx.ids) else {
        return Err(args.err("InternalError", "An internal error has occurred"));
    };
    ctx.account.key_pairs.push(KeyPair {
        name: name.to_string(),
        id: id.clone(),
        key_type: kt.as_str().into(),
        public_key: Some(g.public.openssh.clone()),
        fingerprint: g.fingerprint.clone(),
        create_time: ctx.account.now,
    });
    save_local(
        ctx,
        LocalKey {
            name: name.to_string(),
            public_key: g.public.openssh.clone(),
            private_pem: Some(g.private_pem.clone()),
        },
    );
    Ok(json!({
        "KeyFingerprint": g.fingerprint,
        "KeyMaterial": g.private,
        "KeyName": name,
        "KeyPairId": id,
    }))
}

/// The bytes of `--public-key-material`: `fileb://NAME.pub` reads a local key's public half;
/// anything else is the material itself.
fn material(ctx: &Ctx<'_>, args: &Args<'_>) -> Result<Vec<u8>, AwsError> {
    let raw = args.str("public-key-material").unwrap_or_default();
    if let Some(path) = raw
        .strip_prefix("fileb://")
        .or_else(|| raw.strip_prefix("file://"))
    {
        let stem = local_stem(path);
        return match ctx.account.workstation.iter().find(|k| k.name == stem) {
            Some(k) => Ok(k.public_key.clone().into_bytes()),
            None => Err(AwsError::cli(
                super::super::cli_code::PARAM_VALIDATION,
                format!("Error parsing parameter '--public-key-material': Unable to load paramfile {raw}: [Errno 2] No such file or directory: '{path}'"),
            )),
        };
    }
    Ok(raw.as_bytes().to_vec())
}

/// `~/.ssh/web-key.pub` → `web-key`.
pub fn local_stem(path: &str) -> String {
    let file = path.rsplit('/').next().unwrap_or(path);
    for ext in [".pub", ".pem", ".ppk", ".key"] {
        if let Some(s) = file.strip_suffix(ext) {
            return s.to_string();
        }
    }
    file.to_string()
}

pub fn import_key_pair(ctx: &mut Ctx<'_>, args: &Args<'_>) -> Result<Value, AwsError> {
    let name = args.str("key-name").unwrap_or_default();
    check_name(args, name)?;
    let bytes = material(ctx, args)?;
    let pk = keys::parse_public(&bytes).map_err(|e| {
        // FACTS: InvalidKey.Format — `Key is not in valid OpenSSH public key format`.
        let _ = matches!(e, ImportError::UnsupportedLength(_));
        args.err(
            "InvalidKey.Format",
            "Key is not in valid OpenSSH public key format",
        )
    })?;
    check_room(ctx, args, name)?;
    let id = ctx.fresh_id("key");
    let fp = keys::imported_fingerprint(&pk);
    ctx.account.key_pairs.push(KeyPair {
        name: name.to_string(),
        id: id.clone(),
        key_type: pk.key_type.as_str().into(),
        public_key: Some(pk.openssh.clone()),
        fingerprint: fp.clone(),
        create_time: ctx.account.now,
    });
    Ok(json!({"KeyFingerprint": fp, "KeyName": name, "KeyPairId": id}))
}

const KEY_FILTERS: &[&str] = &[
    "key-name",
    "key-pair-id",
    "fingerprint",
    "key-type",
    "tag-key",
    "tag:",
];

fn matches(k: &KeyPair, f: &Filter) -> bool {
    match f.name.as_str() {
        "key-name" => f.any([&k.name]),
        "key-pair-id" => f.any([&k.id]),
        "fingerprint" => f.any([&k.fingerprint]),
        "key-type" => f.any([&k.key_type]),
        _ => false,
    }
}

pub fn describe_key_pairs(ctx: &mut Ctx<'_>, args: &Args<'_>) -> Result<Value, AwsError> {
    let names = args.list("key-names");
    let ids = args.list("key-pair-ids");
    for n in &names {
        if !ctx.account.key_pairs.iter().any(|k| k.name == *n) {
            return Err(args.err(
                "InvalidKeyPair.NotFound",
                format!("The key pair '{n}' does not exist"),
            ));
        }
    }
    for id in &ids {
        check_id(args, "key", "InvalidKeyPair", id)?;
        if !ctx.account.key_pairs.iter().any(|k| k.id == *id) {
            return Err(args.err(
                "InvalidKeyPair.NotFound",
                format!("The key pair '{id}' does not exist"),
            ));
        }
    }
    let filters = filters::parse(args, KEY_FILTERS)?;
    let with_public = args.bool("include-public-key") == Some(true);
    let list: Vec<Value> = ctx
        .account
        .key_pairs
        .iter()
        .filter(|k| names.is_empty() || names.contains(&k.name.as_str()))
        .filter(|k| ids.is_empty() || ids.contains(&k.id.as_str()))
        .filter(|k| filters.iter().all(|f| matches(k, f)))
        .map(|k| {
            let mut v = json!({
                "KeyPairId": k.id,
                "KeyFingerprint": k.fingerprint,
                "KeyName": k.name,
                "KeyType": k.key_type,
                "Tags": [],
                "CreateTime": crate::access::timestamp(k.create_time),
            });
            if with_public {
                v["PublicKey"] = json!(format!(
                    "{} {}",
                    k.public_key.clone().unwrap_or_default(),
                    k.name
                ));
            }
            v
        })
        .collect();
    Ok(json!({"KeyPairs": list}))
}

/// DeleteKeyPair: removes EC2's copy of the public key. Instances launched with it keep the
/// key in their authorized_keys, and the private key file stays where it is (FACTS).
pub fn delete_key_pair(ctx: &mut Ctx<'_>, args: &Args<'_>) -> Result<Value, AwsError> {
    let pos = match (args.str("key-name"), args.str("key-pair-id")) {
        (_, Some(id)) => {
            check_id(args, "key", "InvalidKeyPair", id)?;
            match ctx.account.key_pairs.iter().position(|k| k.id == id) {
                Some(p) => Some(p),
                None => {
                    return Err(args.err(
                        "InvalidKeyPair.NotFound",
                        format!("The key pair '{id}' does not exist"),
                    ))
                }
            }
        }
        // By name, a missing key pair is not an error (the call is idempotent).
        (Some(n), None) => ctx.account.key_pairs.iter().position(|k| k.name == n),
        (None, None) => {
            return Err(args.err(
                "MissingParameter",
                "The request must contain the parameter KeyName or KeyPairId",
            ))
        }
    };
    let id = pos.map(|p| ctx.account.key_pairs.remove(p).id);
    let mut out = json!({"Return": true});
    if let Some(id) = id {
        out["KeyPairId"] = json!(id);
    }
    Ok(out)
}

/// GetPasswordData: the Windows Administrator password, encrypted with the launch key's
/// public key (FACTS: the key decrypts the password, then RDP). With `--priv-launch-key
/// FILE` the CLI decrypts it locally with that private key.
pub fn get_password_data(ctx: &mut Ctx<'_>, args: &Args<'_>) -> Result<Value, AwsError> {
    let id = args.str("instance-id").unwrap_or_default();
    check_id(args, "i", "InvalidInstanceID", id)?;
    let Some(inst) = ctx.account.instance(id).cloned() else {
        return Err(super::not_found(args, "InvalidInstanceID", "instance", id));
    };
    let ts = crate::access::timestamp(ctx.account.now);
    let data = match (
        inst.platform,
        &inst.details.launch_public_key,
        &inst.details.admin_password,
    ) {
        (Os::Windows, Some(pk), Some(pw)) => {
            keys::encrypt_password(pk, pw, ctx.ids).unwrap_or_default()
        }
        // Linux instances, and instances launched without a key, have no password data.
        _ => String::new(),
    };
    let data = match args.str("priv-launch-key") {
        Some(path) if !data.is_empty() => {
            let stem = local_stem(path.trim_start_matches("file://"));
            let Some(k) = ctx.account.workstation.iter().find(|k| k.name == stem) else {
                return Err(AwsError::cli(
                    super::super::cli_code::PARAM_VALIDATION,
                    format!("[Errno 2] No such file or directory: '{path}'"),
                ));
            };
            match k
                .private_pem
                .as_deref()
                .and_then(|p| keys::decrypt_password(p, &data))
            {
                Some(pw) => pw,
                None => {
                    return Err(AwsError::cli(
                        super::super::cli_code::PARAM_VALIDATION,
                        "Unable to decrypt password data using provided private key file.",
                    ))
                }
            }
        }
        _ => data,
    };
    Ok(json!({"InstanceId": id, "PasswordData": data, "Timestamp": ts}))
}
