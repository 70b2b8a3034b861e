//! Clap's own words in Chinese: the help layout and every argument error a
//! teacher can cause (an unknown command, a misspelt option, a missing
//! `--title`, a word where a number belongs), each with a hint. `main.rs`
//! declares the arguments; this module decides what a person reads about
//! them.
//!
//! Must not: run commands or read files.

use clap::error::{ContextKind, ContextValue, ErrorKind};

/// The top-level help page: Chinese headings with full-width colons
/// (clap's own headings would add a half-width one).
const TOP: &str =
    "{about-with-newline}\n用法：{usage}\n\n命令：\n{subcommands}\n\n选项：\n{options}\n";

/// A command's help page.
const SUB: &str =
    "{about-with-newline}\n用法：{usage}\n\n参数：\n{positionals}\n\n选项：\n{options}\n";

/// A command's help page when it takes no positional argument.
const SUB_NO_ARGS: &str = "{about-with-newline}\n用法：{usage}\n\n选项：\n{options}\n";

/// The command line with Chinese help pages: templates, and usage lines
/// written from the arguments' Chinese value names (clap's own would say
/// `[OPTIONS]`).
pub fn localize(cmd: clap::Command) -> clap::Command {
    cmd.help_template(TOP)
        .override_usage("xinyu 命令 [项目文件夹] [选项]")
        .mut_subcommands(|sub| {
            let name = sub.get_name().to_string();
            let positionals: Vec<String> = sub
                .get_positionals()
                .map(|a| {
                    let v = a
                        .get_value_names()
                        .and_then(|v| v.first())
                        .map_or_else(|| a.get_id().to_string(), ToString::to_string);
                    let more = if matches!(a.get_action(), clap::ArgAction::Append) {
                        "…"
                    } else {
                        ""
                    };
                    if a.is_required_set() {
                        format!("<{v}>{more}")
                    } else {
                        format!("[{v}]")
                    }
                })
                .collect();
            let required: Vec<String> = sub
                .get_opts()
                .filter(|a| a.is_required_set())
                .filter_map(|a| {
                    let v = a.get_value_names()?.first()?.to_string();
                    Some(format!("--{} <{v}>", a.get_long()?))
                })
                .collect();
            let mut usage = vec![format!("xinyu {name}")];
            usage.extend(positionals.iter().cloned());
            usage.extend(required);
            usage.push("[选项]".into());
            let template = if positionals.is_empty() {
                SUB_NO_ARGS
            } else {
                SUB
            };
            sub.help_template(template).override_usage(usage.join(" "))
        })
}

/// How a value names itself in an error: `--slot` or `<项目文件夹>`.
fn text(v: &ContextValue) -> String {
    match v {
        ContextValue::String(s) => s.clone(),
        ContextValue::Strings(v) => v.join("、"),
        ContextValue::StyledStr(s) => s.to_string(),
        ContextValue::StyledStrs(v) => v
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("、"),
        ContextValue::Number(n) => n.to_string(),
        ContextValue::Bool(b) => b.to_string(),
        ContextValue::None => String::new(),
        _ => String::new(),
    }
}

/// The message and hint for a parse error, in Chinese; `None` for help
/// and version output, which clap prints as it is.
pub fn message(e: &clap::Error) -> Option<(String, Option<String>)> {
    let get = |k: ContextKind| e.get(k).map(text).filter(|s| !s.is_empty());
    let arg = || get(ContextKind::InvalidArg).unwrap_or_default();
    let value = || get(ContextKind::InvalidValue).unwrap_or_default();
    let did_you_mean = |k: ContextKind| get(k).map(|s| format!("你是不是想写 `{s}`？"));
    let (msg, hint) = match e.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => return None,
        ErrorKind::InvalidSubcommand => (
            format!(
                "没有 `{}` 这个命令",
                get(ContextKind::InvalidSubcommand).unwrap_or_default()
            ),
            did_you_mean(ContextKind::SuggestedSubcommand).or(Some(
                "可用的命令：init、new、build、pack、print、check、serve、calendar、verify、keygen"
                    .into(),
            )),
        ),
        ErrorKind::UnknownArgument => (
            format!("不认识的参数 `{}`", arg()),
            did_you_mean(ContextKind::SuggestedArg).or(Some(
                "参数前面用两个半角减号，例如 --out；要写的文件夹或文字放在参数后面，用空格隔开"
                    .into(),
            )),
        ),
        ErrorKind::InvalidValue => {
            let valid = get(ContextKind::ValidValue);
            let hint = did_you_mean(ContextKind::SuggestedValue)
                .map(|s| match &valid {
                    Some(v) => format!("{s}可用的值：{v}"),
                    None => s,
                })
                .or(valid.map(|v| format!("可用的值：{v}")));
            if value().is_empty() {
                (format!("{} 后面要写一个值", arg()), hint)
            } else {
                (format!("`{}` 不是 {} 可用的值", value(), arg()), hint)
            }
        }
        ErrorKind::ValueValidation => (
            format!("`{}` 不能用作 {}", value(), arg()),
            Some("这里要写一个数字（半角阿拉伯数字），例如 --slot 3、--grade 8、--month 9".into()),
        ),
        ErrorKind::MissingRequiredArgument => {
            let missing = get(ContextKind::InvalidArg).unwrap_or_default();
            let example = if missing.contains("密钥文件夹") {
                Some("例如：xinyu keygen D:/xinyu-密钥".into())
            } else if missing.contains("课程包") {
                Some("例如：xinyu verify 2026-autumn-s01.zip".into())
            } else if missing.contains("--band") || missing.contains("--title") {
                Some("例如：xinyu new lesson --band 初中 --title 情绪气象站".into())
            } else if missing.contains("文件夹") {
                Some("例如：xinyu init 我的课程".into())
            } else {
                None
            };
            (format!("缺少必填的参数：{missing}"), example)
        }
        ErrorKind::MissingSubcommand => (
            "缺少要做的命令".into(),
            Some("例如：xinyu build 课程文件夹；全部命令见 xinyu --help".into()),
        ),
        ErrorKind::ArgumentConflict => (
            format!(
                "参数 {} 和 {} 不能一起用",
                arg(),
                get(ContextKind::PriorArg).unwrap_or_default()
            ),
            None,
        ),
        ErrorKind::TooManyValues => (
            format!("多写了 `{}`", value()),
            Some("文件夹名里有空格时，请用英文双引号把整个路径括起来".into()),
        ),
        ErrorKind::NoEquals | ErrorKind::WrongNumberOfValues | ErrorKind::TooFewValues => {
            (format!("参数 {} 的值写得不对", arg()), None)
        }
        ErrorKind::InvalidUtf8 => (
            "参数里有无法识别的字符".into(),
            Some("请检查文件夹名或文字是否是从别的软件里复制来的特殊字符".into()),
        ),
        _ => ("命令行参数写得不对".into(), None),
    };
    Some((msg, hint))
}

/// Prints a parse error in Chinese (or clap's help and version output as
/// they are) and returns the exit code.
pub fn report(e: &clap::Error) -> i32 {
    let Some((msg, hint)) = message(e) else {
        let _ = e.print();
        return e.exit_code();
    };
    eprintln!("错误：{msg}");
    if let Some(h) = hint {
        eprintln!("  = 提示：{h}");
    }
    eprintln!(
        "\n运行 xinyu --help 查看全部命令，xinyu 命令 --help（例如 xinyu pack --help）查看一个命令的用法。"
    );
    2
}
