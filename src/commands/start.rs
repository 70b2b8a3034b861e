//! `xinyu` started with no arguments (a double click on `xinyu.exe`) or
//! with only a folder (a project folder dropped on it): a teacher who has
//! never opened a terminal gets the preview of the project in her browser,
//! or plain words on what to do, and a window that stays open until she
//! closes it.

use std::io::IsTerminal;
use std::path::Path;

/// Previews `project` if it is one; otherwise explains. Waits for Enter
/// before returning when a person is at the console.
pub fn run(project: &Path, dropped: bool) -> i32 {
    let code = if project.join("xinyu.toml").is_file() {
        // `absolute`, not `canonicalize`: on Windows the latter names the folder
        // `\\?\D:\…`, which a teacher does not recognise.
        let name = std::path::absolute(project).unwrap_or_else(|_| project.to_path_buf());
        eprintln!(
            "心育：正在为 {} 生成预览\u{FF0C}生成后会自动打开浏览器。",
            name.display()
        );
        eprintln!(
            "预览期间请不要关闭这个窗口\u{FF1B}改好文件并保存后\u{FF0C}浏览器里的页面会自动更新。\n"
        );
        super::serve::run(
            project,
            &super::serve::Options {
                port: 0,
                open: true,
                poll: false,
            },
        )
    } else {
        if dropped {
            eprintln!(
                "“{}”里没有 xinyu.toml\u{FF0C}它不是心育的课程项目文件夹。\n",
                project.display()
            );
        }
        eprintln!("{GUIDE}");
        0
    };
    wait();
    code
}

/// Zips dropped on `xinyu.exe` (or opened with it): check them, and keep
/// the window open to read the verdict.
pub fn verify(packs: &[std::path::PathBuf]) -> i32 {
    let code = super::verify::dropped(packs);
    wait();
    code
}

/// Waits for Enter when a person is at the console.
fn wait() {
    if std::io::stdin().is_terminal() {
        eprintln!("\n按回车键关闭这个窗口。");
        let mut line = String::new();
        let _ = std::io::stdin().read_line(&mut line);
    }
}

const GUIDE: &str = "这是心育（xinyu）\u{FF1A}把心理健康教育课程生成离线网站、课程包和打印材料的工具。

怎样用\u{FF1A}
  · 把课程项目文件夹（里面有 xinyu.toml 的文件夹）拖到 xinyu.exe 上再松开\u{FF0C}就会生成预览并打开浏览器\u{FF1B}
  · 或者把 xinyu.exe 放进课程项目文件夹\u{FF0C}双击它。

新建项目、生成课程包和 PDF\u{FF0C}请看用户手册的“快速上手”一章\u{FF0C}或在命令提示符里运行 xinyu help。";
