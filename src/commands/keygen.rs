//! `xinyu keygen`: a county's signing keys, and opening the secret key for
//! `pack --sign` / `build --sign` (its password from `XINYU_KEY_PASSWORD`
//! or typed without echo).

use crate::signing::{self, Signer};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

/// The secret key's file name.
pub const SECRET: &str = "xinyu.key";
/// The public key's file name.
pub const PUBLIC: &str = "xinyu.pub";
/// Where a script (or a test) gives the password.
pub const PASSWORD_VAR: &str = "XINYU_KEY_PASSWORD";

/// The project folder `dir` is in, if any (a folder with `xinyu.toml`,
/// itself or above).
fn project_around(dir: &Path) -> Option<PathBuf> {
    let abs = std::path::absolute(dir).ok()?;
    abs.ancestors()
        .find(|a| a.join(crate::load::settings::FILE).is_file())
        .map(Path::to_path_buf)
}

/// The password from the environment, or typed (twice for a new key).
fn password(new: bool) -> Result<String, String> {
    if let Ok(p) = std::env::var(PASSWORD_VAR)
        && !p.is_empty()
    {
        return Ok(p);
    }
    if !std::io::stdin().is_terminal() {
        return Err(format!(
            "需要私钥的密码\u{FF0C}但这里没有可以输入的终端\u{FF1A}请在终端里运行\u{FF0C}或设置环境变量 {PASSWORD_VAR}"
        ));
    }
    let ask = |prompt: &str| {
        rpassword::prompt_password(prompt)
            .map_err(|e| format!("无法读取密码\u{FF1A}{}", crate::diagnostic::io_text(&e)))
    };
    if !new {
        return ask("私钥的密码（输入时屏幕上不显示）\u{FF1A}");
    }
    let p = ask("给私钥设一个密码（输入时屏幕上不显示）\u{FF1A}")?;
    if p.is_empty() {
        return Err("密码不能为空\u{FF1B}确实不要密码时用 --no-password".into());
    }
    if ask("再输入一遍\u{FF1A}")? != p {
        return Err("两次输入的密码不一样\u{FF0C}没有生成密钥".into());
    }
    Ok(p)
}

/// Writes a new key pair into `dir`; returns the exit code.
pub fn run(dir: &Path, no_password: bool) -> i32 {
    if let Some(project) = project_around(dir) {
        eprintln!(
            "错误：{} 在课程项目 {} 里面\u{3002}私钥不能放在课程项目里\u{FF08}容易被带进网站或课程包\u{FF09}",
            dir.display(),
            project.display()
        );
        eprintln!("  = 提示\u{FF1A}换一个项目之外的文件夹\u{FF0C}例如 xinyu keygen D:/xinyu-密钥");
        return 1;
    }
    for name in [SECRET, PUBLIC] {
        if dir.join(name).exists() {
            eprintln!(
                "错误：{} 已经存在\u{FF0C}不会覆盖\u{3002}旧密钥签过的课程包要用旧公钥核对\u{FF1B}确实要换新密钥时\u{FF0C}换一个文件夹",
                dir.join(name).display()
            );
            return 1;
        }
    }
    let pw = if no_password {
        None
    } else {
        match password(true) {
            Ok(p) => Some(p),
            Err(e) => {
                eprintln!("错误：{e}");
                return 1;
            }
        }
    };
    let keys = match signing::generate(pw.as_deref()) {
        Ok(k) => k,
        Err(e) => {
            eprintln!("错误：{}", crate::diagnostic::error_text(&e));
            return 1;
        }
    };
    let (secret, public) = (dir.join(SECRET), dir.join(PUBLIC));
    let written = crate::writer::create_private(&secret, keys.secret.as_bytes())
        .and_then(|()| crate::writer::create(&public, keys.public.as_bytes()));
    if let Err(e) = written {
        super::report_io(&e, super::Place::Keys);
        return 1;
    }
    if no_password {
        eprintln!("！！！注意：私钥没有密码保护！！！");
        eprintln!(
            "任何人拿到 {} 就能以你们的名义签发课程包\u{3002}只把它放在教研室专用的电脑上\u{FF0C}不要拷进 U 盘、网盘或聊天群\u{3002}",
            secret.display()
        );
    }
    println!("已生成签名密钥\u{FF1A}");
    println!(
        "  私钥 {}\u{FF1A}签名用\u{FF0C}只留在教研室的电脑上\u{FF0C}另外备份一份\u{FF1B}不要发给任何人\u{FF0C}不要放进课程项目",
        secret.display()
    );
    println!(
        "  公钥 {}\u{FF1A}可以公开\u{FF0C}发给学校",
        public.display()
    );
    println!(
        "\n把下面这一行写进课程项目的 xinyu.toml\u{FF1A}\n  public_key = \"{}\"",
        keys.public_line
    );
    println!(
        "\n以后生成课程包时签名\u{FF1A}xinyu pack --sign {}",
        secret.display()
    );
    0
}

/// Opens the secret key at `path` for signing, asking its password when
/// it has one; prints the problem and returns `Err(exit code)`.
pub fn open_signer(path: &Path) -> Result<Signer, i32> {
    let fail = |msg: String| {
        eprintln!("错误：{msg}");
        1
    };
    let text = std::fs::read_to_string(path).map_err(|e| {
        fail(format!(
            "无法读取私钥文件 {}\u{FF1A}{}",
            path.display(),
            crate::diagnostic::io_text(&e)
        ))
    })?;
    let needs = signing::needs_password(&text)
        .map_err(|e| fail(format!("{}\u{FF1A}{e}", path.display())))?;
    let pw = if needs {
        Some(password(false).map_err(fail)?)
    } else {
        None
    };
    Signer::open(&text, pw.as_deref()).map_err(fail)
}

/// Whether the signer fits the project's `public_key`: an error when they
/// differ (schools would be told another key), a warning when none is set.
pub fn matches_project(signer: &Signer, public_key: Option<&str>) -> bool {
    let line = signer.public_line();
    match public_key {
        Some(k) if k == line => true,
        Some(k) => {
            eprintln!(
                "错误：私钥和 xinyu.toml 里的 public_key 不是一对\u{FF1A}public_key 是 {k}\u{FF0C}这个私钥的公钥是 {line}"
            );
            eprintln!(
                "  = 提示\u{FF1A}用和 public_key 配对的私钥签名\u{FF0C}或把 public_key 改成 {line}"
            );
            false
        }
        None => {
            eprintln!(
                "警告：xinyu.toml 里没有 public_key\u{FF0C}下载页和课程包首页不会印出公钥\u{FF1B}请写上 public_key = \"{line}\""
            );
            true
        }
    }
}
