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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Build { project, out } => {
            let out = out.unwrap_or_else(|| project.join("site"));
            xinyu::commands::build::run(&project, &out)
        }
    };
    ExitCode::from(u8::try_from(code).unwrap_or(1))
}
