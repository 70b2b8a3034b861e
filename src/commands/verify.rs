//! `xinyu verify`: tell a school in plain words whether a pack is as the
//! county made it — every file against `manifest.json` and `SHA256SUMS`
//! (`verify::check`, in memory), and, with a public key, the signature
//! `NAME.zip.minisig` beside it (`signing::check`).

use crate::signing::{self, Signature};
use crate::verify::{self, Verdict};
use std::path::Path;

/// A zip bigger than this is refused unread.
const MAX_ZIP: u64 = 4 << 30;

/// Checks each pack; returns 0 only when every one is good.
pub fn run(packs: &[std::path::PathBuf], key: Option<&str>) -> i32 {
    let (key, from) = match key {
        Some(k) => {
            // A file (xinyu.pub) or the key itself.
            let text = match std::fs::read_to_string(k) {
                Ok(t) if Path::new(k).is_file() => t,
                _ => k.to_string(),
            };
            match signing::public_key(&text) {
                Ok(pk) => (Some(pk), "来自 --key"),
                Err(e) => {
                    eprintln!("错误：--key 写的公钥格式不对\u{FF1A}{e}");
                    return 2;
                }
            }
        }
        None => match std::fs::read_to_string(crate::load::settings::FILE)
            .ok()
            .map(|t| crate::load::settings::public_key_of(&t))
        {
            Some(Ok(Some(k))) => (signing::public_key(&k).ok(), "来自当前文件夹的 xinyu.toml"),
            Some(Err(e)) => {
                eprintln!("错误：当前文件夹的 xinyu.toml 里 public_key 写得不对\u{FF1A}{e}");
                return 2;
            }
            _ => (None, ""),
        },
    };
    let how = "用 --key 写上教研室公布的公钥\u{FF08}RW 开头\u{FF09}再核对";
    check_all(packs, key.as_ref(), from, how)
}

/// Zips dropped on `xinyu.exe`: the key is the `xinyu.pub` a school put
/// beside the program (never one that travels with the packs).
pub fn dropped(packs: &[std::path::PathBuf]) -> i32 {
    let beside = std::env::current_exe()
        .ok()
        .and_then(|e| Some(e.parent()?.join(crate::commands::keygen::PUBLIC)));
    let key = beside
        .and_then(|p| std::fs::read_to_string(p).ok())
        .and_then(|t| signing::public_key(&t).ok());
    let how = "把教研室发的公钥文件 xinyu.pub 放在 xinyu 程序旁边再核对";
    check_all(packs, key.as_ref(), "来自 xinyu 程序旁边的 xinyu.pub", how)
}

/// Checks each pack with `key` (which came `from` somewhere); `how` says
/// how to give a key when there is none.
fn check_all(
    packs: &[std::path::PathBuf],
    key: Option<&minisign::PublicKey>,
    from: &str,
    how: &str,
) -> i32 {
    if let Some(k) = key {
        println!("公钥 {}\u{FF08}{from}\u{FF09}\n", k.to_base64());
    }
    let mut bad = 0;
    for (i, p) in packs.iter().enumerate() {
        if i > 0 {
            println!();
        }
        if !one(p, key, how) {
            bad += 1;
        }
    }
    if packs.len() > 1 {
        println!(
            "\n一共 {} 个\u{FF1A}{} 个完整\u{FF0C}{bad} 个有问题",
            packs.len(),
            packs.len() - bad
        );
    }
    i32::from(bad > 0)
}

/// Checks one pack and prints its verdict; true when it is good.
fn one(path: &Path, key: Option<&minisign::PublicKey>, how: &str) -> bool {
    let shown = path.display();
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(_) => {
            println!("{shown}\u{FF1A}找不到这个文件");
            return false;
        }
    };
    if meta.is_dir() {
        println!(
            "{shown}\u{FF1A}不是 xinyu 课程包\n  这是文件夹\u{FF1B}请核对 zip 文件本身\u{3002}"
        );
        return false;
    }
    if meta.len() > MAX_ZIP {
        println!("{shown}\u{FF1A}不是 xinyu 课程包\n  文件大得不合常理\u{FF0C}没有打开\u{3002}");
        return false;
    }
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            println!(
                "{shown}\u{FF1A}无法读取\n  {}",
                crate::diagnostic::io_text(&e)
            );
            return false;
        }
    };
    let (about, changed) = match verify::check(&bytes) {
        Verdict::NotAPack(why) => {
            println!("{shown}\u{FF1A}不是 xinyu 课程包\n  {why}\u{3002}");
            return false;
        }
        Verdict::Intact(a) => (a, Vec::new()),
        Verdict::Changed(a, c) => (a, c),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let sig_name = format!("{name}.minisig");
    let sig_path = path.with_file_name(&sig_name);
    let sig = std::fs::read(&sig_path).ok();
    let signature = match (key, &sig) {
        (Some(k), Some(s)) => Some(signing::check(
            k,
            &String::from_utf8_lossy(s),
            &name,
            &bytes,
        )),
        _ => None,
    };
    let status = if !changed.is_empty() || signature == Some(Signature::Bad) {
        "被改动过"
    } else if matches!(signature, Some(Signature::Good)) || key.is_none() {
        "完整"
    } else if sig.is_none() {
        "没有签名"
    } else {
        "签名不符"
    };
    println!("{shown}\u{FF1A}{status}");
    println!(
        "  课程包 {}\u{FF1A}{} 第 {} 课次\u{FF08}{} 至 {}\u{FF09}\u{FF0C}发布单位 {}",
        about.id, about.term, about.slot, about.dates.0, about.dates.1, about.publisher
    );
    if changed.is_empty() {
        println!(
            "  {} 个文件都和 manifest.json\u{3001}SHA256SUMS 的记录一致\u{3002}",
            about.files
        );
    } else {
        for (file, why) in &changed {
            println!("  {file}\u{FF1A}{why}");
        }
    }
    let line = key.map(minisign::PublicKey::to_base64).unwrap_or_default();
    match (&signature, key, &sig) {
        (Some(Signature::Good), ..) => {
            println!("  签名有效\u{FF1A}这个 zip 文件和公钥 {line} 的持有者签名时一模一样\u{3002}");
        }
        (Some(Signature::Bad), ..) => {
            println!("  签名不符\u{FF1A}zip 文件在签名之后被改动过\u{3002}");
            if changed.is_empty() {
                println!(
                    "  \u{FF08}里面的文件和校验值前后一致\u{FF0C}说明有人改了内容又重新算了校验值\u{3002}\u{FF09}"
                );
            }
        }
        (Some(Signature::OtherKey), ..) => println!(
            "  签名不符\u{FF1A}签名不是公钥 {line} 的持有者签的\u{FF0C}这个课程包不是他们发布的\u{3002}"
        ),
        (Some(Signature::OtherPack(other)), ..) => println!(
            "  签名不符\u{FF1A}{sig_name} 是给 {other} 的签名\u{FF0C}不是这个文件的\u{FF08}文件可能被换过或改了名\u{FF09}\u{3002}"
        ),
        (Some(Signature::Unreadable), ..) => {
            println!("  签名不符\u{FF1A}{sig_name} 不是有效的签名文件\u{3002}");
        }
        (None, Some(_), None) => println!(
            "  旁边没有签名文件 {sig_name}\u{FF0C}无法确认是谁发布的\u{3002}请向教研室要签名文件\u{FF0C}放在 zip 旁边再核对\u{3002}"
        ),
        (None, None, Some(_)) => println!(
            "  没有核对签名\u{FF1A}旁边有 {sig_name}\u{FF0C}但没有给公钥\u{3002}{how}\u{3002}"
        ),
        (None, ..) => println!(
            "  没有签名\u{FF0C}也没有给公钥\u{FF1A}只核对了文件有没有损坏或被改\u{FF0C}没有核对是谁发布的\u{3002}"
        ),
    }
    let good = changed.is_empty() && (key.is_none() || signature == Some(Signature::Good));
    if !good && status != "没有签名" {
        println!("  不要使用这个课程包\u{FF1B}请从教研室重新下载\u{3002}");
    }
    good
}
