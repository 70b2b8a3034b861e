//! The `xinyu` command line: parse arguments, run a command, exit.

use clap::{ArgAction, Args, CommandFactory, FromArgMatches, Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// For a command that runs and ends: memory it frees stays with the
/// allocator for the rest of the run. By default mimalloc hands freed
/// memory back to the system after a second, and the next allocation
/// there faults it in again, zeroed by the kernel: at 10,000 lessons a
/// build gave back 350 MB that way, 2% of its CPU. `serve` keeps the
/// default, so a preview left open shrinks again after a rebuild.
fn keep_freed_memory() {
    // `mi_option_purge_delay` in mimalloc 3's option enum (mimalloc.h);
    // libmimalloc-sys names the options around it but not it. The test
    // below checks the place by the option's default.
    // SAFETY: stores an option's value (an atomic); any thread, any time.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, -1) }
}

/// The place of `mi_option_purge_delay` in mimalloc's option enum.
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

#[derive(Parser)]
#[command(
    name = "xinyu",
    version,
    about = "心育：把心理健康教育课程（教案、主题班会、家长读本、校历）生成离线网站",
    long_about = None,
    disable_help_flag = true,
    disable_version_flag = true,
    disable_help_subcommand = true
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// 显示帮助
    #[arg(short = 'h', long = "help", action = ArgAction::Help, global = true)]
    help: Option<bool>,
    /// 显示版本号
    #[arg(short = 'V', long = "version", action = ArgAction::Version)]
    version: Option<bool>,
    /// 安静：只显示错误（不显示警告、进度和小结）
    #[arg(short = 'q', long, global = true, conflicts_with = "verbose")]
    quiet: bool,
    /// 详细：另外列出生成的每个课程包和每一步用的时间
    #[arg(short = 'v', long, global = true)]
    verbose: bool,
}

/// The project folder every command works on.
#[derive(Args)]
struct Project {
    /// 课程项目文件夹（含 xinyu.toml），不写就是当前文件夹
    #[arg(
        default_value = ".",
        hide_default_value = true,
        value_name = "项目文件夹"
    )]
    project: PathBuf,
}

/// Which fortnights and bands.
#[derive(Args)]
struct Selection {
    /// 学期：校历文件名（如 2026-autumn），或 autumn / spring
    #[arg(long, value_name = "学期")]
    term: Option<String>,
    /// 课次编号
    #[arg(long, value_name = "课次")]
    slot: Option<u32>,
    /// 学段（如 junior-high 或 初中）
    #[arg(long, value_name = "学段")]
    band: Option<String>,
    /// 年级（1–12）：只要这个年级的课
    #[arg(long, value_name = "年级")]
    grade: Option<u8>,
}

/// Which slots get packs and print pages.
#[derive(Args)]
struct Release {
    /// 只为整个学期都写完的学段生成课程包（默认：哪个课次写好了就生成哪个课次）
    #[arg(long)]
    require_complete: bool,
}

impl Release {
    fn rule(&self) -> xinyu::plan::Release {
        if self.require_complete {
            xinyu::plan::Release::Complete
        } else {
            xinyu::plan::Release::Ready
        }
    }
}

/// PDFs through a local browser.
#[derive(Args)]
struct Pdf {
    /// 同时用本机浏览器生成 PDF，放进课程包
    #[arg(long)]
    pdf: bool,
    /// 生成 PDF 用的浏览器程序（Chrome、Edge 或 Chromium）
    #[arg(long, value_name = "浏览器程序")]
    browser: Option<PathBuf>,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum CheckFormat {
    Human,
    Json,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum NewKind {
    /// 活动课教案
    Lesson,
    /// 主题班会脚本
    Meeting,
    /// 家长读本
    Handout,
    /// 教师指南
    Guide,
}

#[derive(Subcommand)]
enum Command {
    /// 新建一个课程项目：设置、校历、每个学段一份示例教案、一份班会脚本和一份家长读本
    Init {
        /// 新项目的文件夹
        #[arg(value_name = "文件夹")]
        dir: PathBuf,
    },
    /// 新建一份教案、班会脚本、家长读本或教师指南（所有字段齐全，环节时间已经加好）
    New {
        /// lesson（教案）、meeting（班会）、handout（家长读本）或 guide（教师指南）
        #[arg(value_enum, value_name = "种类", hide_possible_values = true)]
        kind: NewKind,
        #[command(flatten)]
        p: Project,
        /// 学段（如 junior-high 或 初中）；班会、读本和指南可以写几个，用逗号分开
        #[arg(long, value_name = "学段")]
        band: String,
        /// 标题
        #[arg(long, value_name = "标题")]
        title: String,
        /// 学期：autumn 或 spring，默认按今天的日期
        #[arg(long, value_name = "学期")]
        term: Option<String>,
        /// 班会举行的月份，或教师指南使用的月份
        #[arg(long, value_name = "月份")]
        month: Option<u32>,
    },
    /// 检查课程项目并生成离线网站
    Build {
        #[command(flatten)]
        p: Project,
        /// 输出文件夹，默认是项目里的 site/
        #[arg(long, short, value_name = "文件夹")]
        out: Option<PathBuf>,
        #[command(flatten)]
        pdf: Pdf,
        #[command(flatten)]
        release: Release,
        /// 用这个私钥文件（xinyu keygen 生成的 xinyu.key）给每个课程包签名，签名写在 zip 旁边的 .minisig 文件里；私钥的密码会提示输入，也可以放在环境变量 XINYU_KEY_PASSWORD 里
        #[arg(long, value_name = "密钥文件")]
        sign: Option<PathBuf>,
    },
    /// 生成每两周一个的离线课程包（zip）；不写 --band 时生成全校课程包
    Pack {
        #[command(flatten)]
        p: Project,
        /// 输出文件夹，默认是项目里的 packs/
        #[arg(long, short, value_name = "文件夹")]
        out: Option<PathBuf>,
        #[command(flatten)]
        sel: Selection,
        #[command(flatten)]
        pdf: Pdf,
        #[command(flatten)]
        release: Release,
        /// 用这个私钥文件（xinyu keygen 生成的 xinyu.key）给每个课程包签名，签名写在 zip 旁边的 .minisig 文件里；私钥的密码会提示输入，也可以放在环境变量 XINYU_KEY_PASSWORD 里
        #[arg(long, value_name = "密钥文件")]
        sign: Option<PathBuf>,
    },
    /// 用本机浏览器把每个学段每个课次的全部打印材料和校历生成 PDF
    Print {
        #[command(flatten)]
        p: Project,
        /// 输出文件夹，默认是项目里的 pdf/
        #[arg(long, short, value_name = "文件夹")]
        out: Option<PathBuf>,
        #[command(flatten)]
        sel: Selection,
        /// 浏览器程序（Chrome、Edge 或 Chromium）
        #[arg(long, value_name = "浏览器程序")]
        browser: Option<PathBuf>,
        #[command(flatten)]
        release: Release,
    },
    /// 只做检查，不生成输出：格式、安全表述、隐私、教学规范、离线
    Check {
        #[command(flatten)]
        p: Project,
        /// 输出格式：human（默认，带原文和提示）或 json（每行一个问题）
        #[arg(
            long,
            value_enum,
            default_value = "human",
            hide_default_value = true,
            hide_possible_values = true,
            value_name = "格式"
        )]
        format: CheckFormat,
        /// 有警告也算失败（退出码 1）
        #[arg(long)]
        deny_warnings: bool,
    },
    /// 本机预览：生成网站，在 127.0.0.1 上打开，保存文件后自动重新生成并刷新
    Serve {
        #[command(flatten)]
        p: Project,
        /// 端口，默认 8025；0 表示自动选一个空闲端口
        #[arg(
            long,
            default_value_t = 8025,
            hide_default_value = true,
            value_name = "端口"
        )]
        port: u16,
        /// 自动打开浏览器
        #[arg(long)]
        open: bool,
        /// 定时检查文件变化（网络盘、WSL 上收不到文件变化通知时用）
        #[arg(long)]
        poll: bool,
    },
    /// 在终端里按课次列出校历
    Calendar {
        #[command(flatten)]
        p: Project,
        /// 学期：校历文件名（如 2026-autumn），或 autumn / spring
        #[arg(long, value_name = "学期")]
        term: Option<String>,
    },
    /// 核对课程包：每个文件是否和清单、校验值一致，有公钥时再核对签名，说明是否完整、被改动过（都完整时退出码为 0）
    Verify {
        /// 要核对的课程包（zip），可以写几个；签名文件 .minisig 放在 zip 旁边
        #[arg(required = true, value_name = "课程包")]
        packs: Vec<PathBuf>,
        /// 教研室的公钥（RW 开头的一行，或公钥文件 xinyu.pub）；不写时读当前文件夹的 xinyu.toml
        #[arg(long, value_name = "公钥")]
        key: Option<String>,
    },
    /// 生成教研室给课程包签名用的密钥：私钥 xinyu.key（默认用密码保护）和公钥 xinyu.pub
    Keygen {
        /// 放密钥的文件夹（不能在课程项目里面）
        #[arg(value_name = "密钥文件夹")]
        dir: PathBuf,
        /// 私钥不设密码（不推荐：拿到私钥文件的人都能签名）
        #[arg(long)]
        no_password: bool,
    },
    /// 显示全部命令的说明，或一个命令的用法（例如 xinyu help pack）
    Help {
        /// 命令名
        #[arg(value_name = "命令")]
        command: Option<String>,
    },
}

/// The commands, for telling a dropped folder from a command.
const COMMANDS: [&str; 11] = [
    "init", "new", "build", "pack", "print", "check", "serve", "calendar", "verify", "keygen",
    "help",
];

fn main() -> ExitCode {
    // No arguments (a double click on xinyu.exe), or only a folder (a
    // project dropped on it): preview it, or explain, in a window that
    // stays open.
    let args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
    let start = match args.as_slice() {
        [] => Some((PathBuf::from("."), false)),
        [one]
            if std::path::Path::new(one).is_dir()
                && !COMMANDS.iter().any(|c| one.to_str() == Some(*c)) =>
        {
            Some((PathBuf::from(one), true))
        }
        _ => None,
    };
    // Only zips (packs dropped on xinyu.exe): check them.
    let zips = !args.is_empty()
        && args.iter().all(|a| {
            let p = std::path::Path::new(a);
            p.is_file() && p.extension().is_some_and(|e| e.eq_ignore_ascii_case("zip"))
        });
    if zips {
        let packs: Vec<PathBuf> = args.iter().map(PathBuf::from).collect();
        let code = xinyu::commands::start::verify(&packs);
        return ExitCode::from(u8::try_from(code).unwrap_or(1));
    }
    if let Some((project, dropped)) = start {
        let code = xinyu::commands::start::run(&project, dropped);
        return ExitCode::from(u8::try_from(code).unwrap_or(1));
    }
    let parsed = xinyu::cli::localize(Cli::command())
        .try_get_matches()
        .and_then(|m| Cli::from_arg_matches(&m));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(e) => return ExitCode::from(u8::try_from(xinyu::cli::report(&e)).unwrap_or(2)),
    };
    xinyu::commands::set_verbosity(if cli.quiet {
        xinyu::commands::Verbosity::Quiet
    } else if cli.verbose {
        xinyu::commands::Verbosity::Verbose
    } else {
        xinyu::commands::Verbosity::Normal
    });
    if !matches!(cli.command, Command::Serve { .. }) {
        keep_freed_memory();
    }
    let code = match cli.command {
        Command::Build {
            p,
            out,
            pdf,
            release,
            sign,
        } => {
            let out = out.unwrap_or_else(|| p.project.join("site"));
            xinyu::commands::build::run(
                &p.project,
                &out,
                pdf.pdf,
                pdf.browser.as_deref(),
                release.rule(),
                sign.as_deref(),
            )
        }
        Command::Pack {
            p,
            out,
            sel,
            pdf,
            release,
            sign,
        } => {
            let out = out.unwrap_or_else(|| p.project.join("packs"));
            let filter = xinyu::commands::pack::Filter {
                term: sel.term,
                slot: sel.slot,
                band: sel.band,
                grade: sel.grade,
                pdf: pdf.pdf,
                browser: pdf.browser,
                release: release.rule(),
                sign,
            };
            xinyu::commands::pack::run(&p.project, &out, &filter)
        }
        Command::Print {
            p,
            out,
            sel,
            browser,
            release,
        } => {
            let out = out.unwrap_or_else(|| p.project.join("pdf"));
            let o = xinyu::commands::print::Options {
                term: sel.term,
                slot: sel.slot,
                band: sel.band,
                grade: sel.grade,
                browser,
                release: release.rule(),
            };
            xinyu::commands::print::run(&p.project, &out, &o)
        }
        Command::Init { dir } => xinyu::commands::new::init(&dir),
        Command::New {
            kind,
            p,
            band,
            title,
            term,
            month,
        } => {
            let kind = match kind {
                NewKind::Lesson => xinyu::commands::new::Kind::Lesson,
                NewKind::Meeting => xinyu::commands::new::Kind::Meeting,
                NewKind::Handout => xinyu::commands::new::Kind::Handout,
                NewKind::Guide => xinyu::commands::new::Kind::Guide,
            };
            xinyu::commands::new::new(&p.project, kind, &band, &title, term.as_deref(), month)
        }
        Command::Check {
            p,
            format,
            deny_warnings,
        } => {
            let format = match format {
                CheckFormat::Human => xinyu::commands::check::Format::Human,
                CheckFormat::Json => xinyu::commands::check::Format::Json,
            };
            xinyu::commands::check::run(&p.project, format, deny_warnings)
        }
        Command::Serve {
            p,
            port,
            open,
            poll,
        } => xinyu::commands::serve::run(
            &p.project,
            &xinyu::commands::serve::Options { port, open, poll },
        ),
        Command::Calendar { p, term } => {
            xinyu::commands::calendar::run(&p.project, term.as_deref())
        }
        Command::Verify { packs, key } => xinyu::commands::verify::run(&packs, key.as_deref()),
        Command::Keygen { dir, no_password } => xinyu::commands::keygen::run(&dir, no_password),
        Command::Help { command } => help(command.as_deref()),
    };
    ExitCode::from(u8::try_from(code).unwrap_or(1))
}

/// `xinyu help [命令]`: the same page as `--help`.
fn help(command: Option<&str>) -> i32 {
    let mut cli = xinyu::cli::localize(Cli::command());
    // Global arguments (the Chinese --help) reach subcommands when built.
    cli.build();
    let printed = match command {
        None => cli.print_help(),
        Some(name) => match cli.find_subcommand_mut(name) {
            Some(sub) => sub.print_help(),
            None => {
                eprintln!(
                    "错误：没有 `{name}` 这个命令\n  = 提示：可用的命令：init、new、build、pack、print、check、serve、calendar、verify、keygen"
                );
                return 2;
            }
        },
    };
    i32::from(printed.is_err())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_purge_delay_is_the_option_set_and_no_other() {
        // SAFETY: reads an option's value.
        let get = || unsafe { libmimalloc_sys::mi_option_get(super::PURGE_DELAY) };
        // No other option of mimalloc 3 defaults to 1,000 (milliseconds).
        assert_eq!(get(), 1000, "not mimalloc 3's purge delay");
        super::keep_freed_memory();
        assert_eq!(get(), -1);
    }
}
