//! Signing packs in minisign's format (the `minisign` crate, by minisign's
//! author): key pairs for `keygen`, a detached `NAME.zip.minisig` for each
//! zip, checking one against a public key, and recognising a secret key
//! so it never reaches a site or a pack.
//!
//! A signature covers the zip's bytes, so a school can check it with the
//! standard tool: `minisign -Vm NAME.zip -P RW…`. Ed25519 signatures are
//! made with fresh randomness each time (minisign's hedged signing), so
//! two signatures of the same zip differ while the zip itself stays
//! byte-identical; the trusted comment is fixed (no timestamp).
//!
//! Must not: write files or prompt (commands do).

use minisign::{KeyPair, PublicKey, SecretKey, SecretKeyBox, SignatureBox};
use sha2::Digest;

/// The untrusted comment of every signature (not signed; minisign prints it).
const UNTRUSTED: &str = "signature from xinyu secret key";

/// What `keygen` writes: the secret key file and the public key file.
pub struct NewKeys {
    /// The secret key box (`xinyu.key`), encrypted unless no password.
    pub secret: String,
    /// The public key box (`xinyu.pub`).
    pub public: String,
    /// The public key on one line (`RW…`), for `xinyu.toml`.
    pub public_line: String,
}

/// What went wrong in minisign, in Chinese. Its own messages are English
/// and its error keeps the cause private, so the kind decides the words.
/// Key generation and signing work in memory: these are rare (no random
/// numbers from the system, too little memory for scrypt).
fn minisign_text(e: &minisign::PError) -> &'static str {
    use minisign::ErrorKind as K;
    match e.kind() {
        K::RNG => "系统没有给出随机数\u{FF0C}请稍后再试\u{FF0C}或换一台电脑生成",
        K::KDF => "用密码加密私钥时出错\u{FF0C}可能是内存不够\u{FF1B}请关掉其他程序后再试",
        K::Io => "读写数据时出错\u{FF0C}请再试一次",
        K::Encoding | K::EncryptedKey => "密钥的格式不对\u{FF0C}请用 xinyu keygen 重新生成",
        K::Generate | K::Sign | K::Verify | K::Hash | K::Misc => {
            "签名程序内部出错\u{FF0C}请再试一次\u{FF1B}仍不行请把这条消息发给维护 xinyu 的同事"
        }
    }
}

/// A new key pair; with `password`, the secret key is encrypted with it
/// (scrypt, as minisign does).
pub fn generate(password: Option<&str>) -> anyhow::Result<NewKeys> {
    let kp = match password {
        Some(p) => KeyPair::generate_encrypted_keypair(Some(p.to_string())),
        None => KeyPair::generate_unencrypted_keypair(),
    }
    .map_err(|e| anyhow::anyhow!("无法生成密钥\u{FF1A}{}", minisign_text(&e)))?;
    let public_line = kp.pk.to_base64();
    let public = kp
        .pk
        .to_box()
        .map_err(|e| anyhow::anyhow!("无法生成公钥\u{FF1A}{}", minisign_text(&e)))?
        .into_string();
    let secret = kp
        .sk
        .to_box(Some("xinyu secret key: keep it off every site and pack"))
        .map_err(|e| anyhow::anyhow!("无法生成私钥\u{FF1A}{}", minisign_text(&e)))?
        .into_string();
    Ok(NewKeys {
        secret,
        public,
        public_line,
    })
}

/// A public key, from its one-line form (`RW…`) or a `.pub` file's text.
pub fn public_key(text: &str) -> Result<PublicKey, String> {
    let t = text.trim();
    let line = t
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with("untrusted comment:"))
        .unwrap_or("");
    PublicKey::from_base64(line).map_err(|_| {
        "公钥是 xinyu keygen 生成的 xinyu.pub 里以 RW 开头的一行\u{FF08}56 个字符\u{FF09}"
            .to_string()
    })
}

/// Whether `text` is a secret key file that needs a password.
pub fn needs_password(text: &str) -> Result<bool, String> {
    let b = SecretKeyBox::from_string(text).map_err(|_| not_secret())?;
    match b.into_unencrypted_secret_key() {
        Ok(_) => Ok(false),
        Err(_) if is_secret_key(text.as_bytes()) => Ok(true),
        Err(_) => Err(not_secret()),
    }
}

fn not_secret() -> String {
    "这不是 xinyu keygen 生成的私钥文件\u{FF08}xinyu.key\u{FF09}".to_string()
}

/// Signs packs with one secret key.
pub struct Signer {
    sk: SecretKey,
    pk: PublicKey,
}

impl Signer {
    /// Opens a secret key file's text (with its password if encrypted).
    pub fn open(text: &str, password: Option<&str>) -> Result<Signer, String> {
        let b = SecretKeyBox::from_string(text).map_err(|_| not_secret())?;
        let sk = match password {
            Some(p) => b.into_secret_key(Some(p.to_string())).map_err(|e| {
                if e.to_string().contains("Wrong password") {
                    "私钥的密码不对".to_string()
                } else {
                    not_secret()
                }
            })?,
            None => b.into_unencrypted_secret_key().map_err(|_| not_secret())?,
        };
        let pk = PublicKey::from_secret_key(&sk).map_err(|_| not_secret())?;
        Ok(Signer { sk, pk })
    }

    /// The public key that checks this signer's signatures (`RW…`).
    pub fn public_line(&self) -> String {
        self.pk.to_base64()
    }

    /// The `.minisig` text for the file `name` with these bytes. The
    /// trusted comment names the file and its sha256, and holds no time.
    pub fn sign(&self, name: &str, bytes: &[u8]) -> anyhow::Result<Vec<u8>> {
        let trusted = trusted_comment(name, bytes);
        let sig = minisign::sign(
            Some(&self.pk),
            &self.sk,
            std::io::Cursor::new(bytes),
            Some(&trusted),
            Some(UNTRUSTED),
        )
        .map_err(|e| anyhow::anyhow!("无法签名 {name}\u{FF1A}{}", minisign_text(&e)))?;
        Ok(sig.into_string().into_bytes())
    }
}

fn trusted_comment(name: &str, bytes: &[u8]) -> String {
    format!(
        "xinyu pack {name} sha256:{}",
        sha2::Sha256::digest(bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    )
}

/// What checking a signature found.
#[derive(Debug, PartialEq, Eq)]
pub enum Signature {
    /// Made by the key's holder over these very bytes, for this file name.
    Good,
    /// Made by the key's holder, but for another pack (the trusted comment
    /// names `.0`).
    OtherPack(String),
    /// Made with another key.
    OtherKey,
    /// The bytes changed after signing (or the signature was forged).
    Bad,
    /// The `.minisig` file is not a minisign signature.
    Unreadable,
}

/// Checks `sig` (a `.minisig` file's text) over `bytes` with `key`;
/// `name` is the zip's file name the signature must name.
pub fn check(key: &PublicKey, sig: &str, name: &str, bytes: &[u8]) -> Signature {
    let Ok(b) = SignatureBox::from_string(sig) else {
        return Signature::Unreadable;
    };
    if b.keynum() != key.keynum() {
        return Signature::OtherKey;
    }
    if minisign::verify(key, &b, std::io::Cursor::new(bytes), true, false, false).is_err() {
        return Signature::Bad;
    }
    let trusted = b.trusted_comment().unwrap_or_default();
    let named = trusted
        .strip_prefix("xinyu pack ")
        .and_then(|r| r.split(' ').next())
        .unwrap_or("");
    if named == name {
        Signature::Good
    } else {
        Signature::OtherPack(named.to_string())
    }
}

/// A minisign secret key's encoded line starts with one of these: `Ed`
/// then `Sc` (scrypt-encrypted) or two zero bytes (unencrypted), then `B2`.
const SECRET_PREFIXES: [&[u8]; 2] = [b"RWRTY0Iy", b"RWQAAEIy"];
/// Base64 length of a secret key (158 bytes).
const SECRET_B64_LEN: usize = 212;

/// Whether `bytes` hold a minisign secret key anywhere (a key file copied
/// into `assets/`, or its line pasted into a page).
pub fn is_secret_key(bytes: &[u8]) -> bool {
    let b64 = |c: &u8| c.is_ascii_alphanumeric() || *c == b'+' || *c == b'/' || *c == b'=';
    // Every prefix starts with "RW": one SIMD search for it (every page
    // and file is tested), then the exact test where it occurs.
    const _: () = assert!(SECRET_PREFIXES[0][0] == b'R' && SECRET_PREFIXES[0][1] == b'W');
    const _: () = assert!(SECRET_PREFIXES[1][0] == b'R' && SECRET_PREFIXES[1][1] == b'W');
    memchr::memmem::find_iter(bytes, b"RW").any(|at| {
        let rest = &bytes[at..];
        rest.len() >= SECRET_B64_LEN
            && SECRET_PREFIXES.iter().any(|p| rest.starts_with(p))
            && rest[..SECRET_B64_LEN].iter().all(b64)
    })
}

/// Refuses to publish a minisign secret key (a key file in `assets/`, or
/// its line pasted into a page): it must stay on the county's computer.
pub fn refuse_secret_key(path: &str, bytes: &[u8]) -> anyhow::Result<()> {
    if is_secret_key(bytes) {
        anyhow::bail!(
            "拒绝发布 {path}\u{FF1A}里面有签名用的私钥\u{FF08}xinyu.key 的内容\u{FF09}\u{3002}私钥只能留在教研室的电脑上\u{FF0C}不能进网站或课程包\u{FF1B}请把它从课程项目里移走"
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minisign_failures_are_told_in_chinese() {
        use minisign::{ErrorKind as K, PError};
        for kind in [
            K::Generate,
            K::Sign,
            K::Io,
            K::KDF,
            K::RNG,
            K::Encoding,
            K::Misc,
        ] {
            let text = minisign_text(&PError::new(kind, "passwords don't match!"));
            assert!(!text.contains("password") && !text.is_empty(), "{text}");
            assert!(
                text.chars().any(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c)),
                "{text}"
            );
        }
        let rng = minisign_text(&PError::new(K::RNG, "getrandom"));
        assert!(rng.contains("随机数"), "{rng}");
    }

    #[test]
    fn a_signature_checks_and_names_its_file() {
        let k = generate(Some("pw")).unwrap();
        assert!(needs_password(&k.secret).unwrap());
        let s = Signer::open(&k.secret, Some("pw")).unwrap();
        assert_eq!(s.public_line(), k.public_line);
        assert_eq!(
            Signer::open(&k.secret, Some("no")).err().unwrap(),
            "私钥的密码不对"
        );
        let pk = public_key(&k.public).unwrap();
        assert_eq!(
            pk.to_base64(),
            public_key(&k.public_line).unwrap().to_base64()
        );
        let sig = String::from_utf8(s.sign("a.zip", b"zip bytes").unwrap()).unwrap();
        assert!(sig.starts_with("untrusted comment: signature from xinyu secret key\n"));
        assert!(sig.contains("trusted comment: xinyu pack a.zip sha256:"));
        assert_eq!(check(&pk, &sig, "a.zip", b"zip bytes"), Signature::Good);
        assert_eq!(check(&pk, &sig, "a.zip", b"zip bytez"), Signature::Bad);
        assert_eq!(
            check(&pk, &sig, "b.zip", b"zip bytes"),
            Signature::OtherPack("a.zip".into())
        );
        let other = public_key(&generate(None).unwrap().public_line).unwrap();
        assert_eq!(
            check(&other, &sig, "a.zip", b"zip bytes"),
            Signature::OtherKey
        );
        assert_eq!(check(&pk, "nonsense", "a.zip", b""), Signature::Unreadable);
    }

    #[test]
    fn secret_keys_are_recognised_and_public_ones_are_not() {
        let enc = generate(Some("pw")).unwrap();
        let plain = generate(None).unwrap();
        assert!(!needs_password(&plain.secret).unwrap());
        assert!(Signer::open(&plain.secret, None).is_ok());
        for k in [&enc, &plain] {
            assert!(is_secret_key(k.secret.as_bytes()));
            let pasted = format!("<p>密钥：{}</p>", k.secret.lines().nth(1).unwrap());
            assert!(is_secret_key(pasted.as_bytes()));
            assert!(!is_secret_key(k.public.as_bytes()));
        }
        assert!(public_key("RWabc").is_err());
        assert!(needs_password(&enc.public).is_err());
    }
}
