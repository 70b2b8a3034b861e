//! The `xinyu` command line: parse arguments, run a command, exit.

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "xinyu",
    version,
    about = "心育：把心理健康教育课程（教案、主题班会、家长读本、校历）生成离线网站",
    long_about = None
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// 检查课程项目并生成离线网站
    Build {
        /// 课程项目文件夹(含 xinyu.toml)
        #[arg(default_value = ".")]
        project: PathBuf,
        /// 输出文件夹,默认是项目里的 site/
        #[arg(long, short)]
        out: Option<PathBuf>,
    },
    /// 生成每两周一个的离线课程包(zip)
    Pack {
        /// 课程项目文件夹(含 xinyu.toml)
        #[arg(default_value = ".")]
        project: PathBuf,
        /// 输出文件夹,默认是项目里的 packs/
        #[arg(long, short)]
        out: Option<PathBuf>,
        /// 学期:校历文件名(如 2026-autumn),或 autumn / spring
        #[arg(long)]
        term: Option<String>,
        /// 课次编号
        #[arg(long)]
        slot: Option<u32>,
        /// 只生成这个学段的课程包(如 junior-high 或 初中);不写则生成全校课程包
        #[arg(long)]
        band: Option<String>,
    },
    /// 在终端里按课次列出校历
    Calendar {
        /// 课程项目文件夹(含 xinyu.toml)
        #[arg(default_value = ".")]
        project: PathBuf,
        /// 学期:校历文件名(如 2026-autumn),或 autumn / spring
        #[arg(long)]
        term: Option<String>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Build { project, out } => {
            let out = out.unwrap_or_else(|| project.join("site"));
            xinyu::commands::build::run(&project, &out)
        }
        Command::Pack {
            project,
            out,
            term,
            slot,
            band,
        } => {
            let out = out.unwrap_or_else(|| project.join("packs"));
            let filter = xinyu::commands::pack::Filter { term, slot, band };
            xinyu::commands::pack::run(&project, &out, &filter)
        }
        Command::Calendar { project, term } => {
            xinyu::commands::calendar::run(&project, term.as_deref())
        }
    };
    ExitCode::from(u8::try_from(code).unwrap_or(1))
}
