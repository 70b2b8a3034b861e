//! `xinyu serve`: build, serve on 127.0.0.1, watch, rebuild, reload.
//!
//! The site is built into a private folder and served from there; a small
//! script is added to HTML responses (never to built files) that listens on
//! Server-Sent Events: `reload` after a good rebuild, `build-error` with the
//! diagnostics after a failed one, which keeps the last good site and shows
//! an overlay until the next good build. The HTTP side is in `http.rs`.

mod http;
// Public for the `serve_path` fuzz target: no URL path may leave the site.
pub use http::resolve;

use crate::live::{self, Done, Live};
use http::State;
use notify::RecursiveMode;
use notify_debouncer_full::{DebounceEventResult, new_debouncer, new_debouncer_opt};
use std::path::{Component, Path};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Options of `serve`.
#[derive(Debug, Default)]
pub struct Options {
    /// Port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    /// Open the browser.
    pub open: bool,
    /// Poll the file system instead of native events (network drives, WSL).
    pub poll: bool,
}

/// Serves until interrupted; returns the exit code.
pub fn run(project: &Path, o: &Options) -> i32 {
    let work = match crate::writer::Scratch::new() {
        Ok(t) => t,
        Err(e) => {
            eprintln!("错误：{}", crate::diagnostic::error_text(&e));
            return 1;
        }
    };
    let out = work.path().join("site");
    // Events name absolute paths: compare them with an absolute root.
    let root = std::fs::canonicalize(project).unwrap_or_else(|_| project.to_path_buf());
    let project = root.as_path();
    // Watch before the first build and before the address is printed: an
    // edit made meanwhile is queued, not lost.
    let (tx, rx) = channel::<DebounceEventResult>();
    let watched = watch(project, o.poll, tx);
    let _debouncer = match watched {
        Ok(d) => d,
        Err(e) => {
            eprintln!(
                "错误：无法监视项目文件夹 {}\u{FF1A}{}",
                project.display(),
                watch_text(&e)
            );
            eprintln!("  = 提示\u{FF1A}{}", watch_hint(&e));
            return 1;
        }
    };
    let state = Arc::new(Mutex::new(State::default()));
    let live = match live::full(project, &out) {
        Ok((n, live)) => {
            eprintln!("已生成 {n} 个页面");
            live
        }
        Err(e) => {
            // Nothing good to show yet: say so and stop.
            eprint!("{}", e.terminal);
            eprintln!("生成失败\u{FF1A}请先修正上面的错误再预览。");
            return 1;
        }
    };
    // Two workers answer requests; reading files runs on a blocking pool
    // of at most 16 threads.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(16)
        .enable_all()
        .build();
    let runtime = match runtime {
        Ok(r) => r,
        Err(e) => {
            eprintln!(
                "错误：无法启动预览\u{FF1A}{}",
                crate::diagnostic::io_text(&e)
            );
            return 1;
        }
    };
    let listener = match runtime.block_on(tokio::net::TcpListener::bind(("127.0.0.1", o.port))) {
        Ok(l) => l,
        Err(e) => {
            eprintln!(
                "错误：无法在 127.0.0.1:{} 上启动预览\u{FF1A}{}（换一个 --port 试试）",
                o.port,
                crate::diagnostic::io_text(&e)
            );
            return 1;
        }
    };
    let port = listener.local_addr().map_or(o.port, |a| a.port());
    let url = format!("http://127.0.0.1:{port}/");
    println!("{url}");
    eprintln!(
        "正在预览\u{FF1A}{url}\n按 Ctrl+C 结束预览\u{FF1B}保存文件后会自动重新生成并刷新浏览器。"
    );

    {
        let (project, out, state) = (project.to_path_buf(), out.clone(), Arc::clone(&state));
        std::thread::spawn(move || rebuild_loop(&project, &out, live, &state, &rx));
    }
    if o.open {
        open_browser(&url);
    }
    // Ctrl+C (or closing the terminal) ends the wait below instead of
    // killing the process, so the preview's scratch folder is removed.
    let stop = Arc::new(tokio::sync::Notify::new());
    {
        let stop = Arc::clone(&stop);
        if let Err(e) = ctrlc::set_handler(move || stop.notify_one()) {
            eprintln!(
                "警告\u{FF1A}无法接管 Ctrl+C\u{FF08}{}\u{FF09}\u{FF1B}结束预览后临时文件夹可能留在系统临时目录里",
                ctrlc_text(&e)
            );
        }
    }
    let site = Arc::new(http::Site { out, port, state });
    let ended = runtime.block_on(async {
        let server = tokio::spawn(http::serve(listener, site));
        tokio::select! {
            () = stop.notified() => None,
            why = server => Some(match why {
                Ok(e) => crate::diagnostic::io_text(&e),
                Err(e) if e.is_panic() => "预览服务的程序出了内部错误".to_string(),
                Err(_) => "预览服务被意外取消了".to_string(),
            }),
        }
    });
    // Streams to open tabs would otherwise keep the runtime waiting.
    runtime.shutdown_timeout(Duration::from_secs(1));
    match ended {
        None => {
            eprintln!("已结束预览\u{FF0C}临时文件已清理。");
            0
        }
        Some(why) => {
            eprintln!(
                "错误：预览意外停止了\u{FF08}{why}\u{FF09}\u{3002}请重新运行 xinyu serve\u{3002}"
            );
            1
        }
    }
}

type Watching = Box<dyn std::any::Any + Send>;

/// Why the file watcher could not start, in Chinese: the system's own
/// error through `io_text`, the common limits in words.
fn watch_text(e: &notify::Error) -> String {
    use notify::ErrorKind as K;
    let what = match &e.kind {
        K::Io(io) => crate::diagnostic::io_text(io),
        K::PathNotFound => "找不到这个文件夹".to_string(),
        K::MaxFilesWatch => {
            "系统允许同时监视的文件数用完了\u{FF08}Linux 上可以调大 fs.inotify.max_user_watches\u{FF09}"
                .to_string()
        }
        // notify's own words for these are English; what to do is the
        // hint's (`watch_hint`).
        K::Generic(_) | K::InvalidConfig(_) | K::WatchNotFound => {
            "系统不让监视文件的变化".to_string()
        }
    };
    match e.paths.first() {
        Some(p) => format!("{}\u{FF1A}{what}", p.display()),
        None => what,
    }
}

/// What to do when the watcher could not start: polling finds changes
/// wherever watching failed, but not a folder that is not there.
fn watch_hint(e: &notify::Error) -> &'static str {
    if matches!(e.kind, notify::ErrorKind::PathNotFound) {
        "请检查文件夹的名字和位置\u{FF0C}例如 xinyu serve curriculum"
    } else {
        "可以试试 --poll\u{FF08}每半秒查看一次文件有没有改动\u{FF09}"
    }
}

/// Why Ctrl+C could not be taken over, in Chinese (ctrlc's own words are
/// English).
fn ctrlc_text(e: &ctrlc::Error) -> String {
    match e {
        ctrlc::Error::System(io) => crate::diagnostic::io_text(io),
        ctrlc::Error::MultipleHandlers => "已经有别的处理程序接管了它".to_string(),
        ctrlc::Error::NoSuchSignal(_) => "这个系统没有这个信号".to_string(),
    }
}

fn watch(
    project: &Path,
    poll: bool,
    tx: Sender<DebounceEventResult>,
) -> Result<Watching, notify::Error> {
    // Editors save in a burst of events a few milliseconds apart; 50 ms
    // gathers them without making the preview feel slow.
    let delay = Duration::from_millis(50);
    if poll {
        let config = notify::Config::default().with_poll_interval(Duration::from_millis(500));
        let mut d = new_debouncer_opt::<_, notify::PollWatcher, _>(
            delay,
            None,
            tx,
            notify_debouncer_full::NoCache,
            config,
        )?;
        d.watch(project, RecursiveMode::Recursive)?;
        Ok(Box::new(d))
    } else {
        let mut d = new_debouncer(delay, None, tx)?;
        d.watch(project, RecursiveMode::Recursive)?;
        Ok(Box::new(d))
    }
}

/// True for a change that should trigger a rebuild: not an editor's temp
/// file, not inside a hidden folder (.git) or a build output.
fn relevant(project: &Path, path: &Path) -> bool {
    let rel = path.strip_prefix(project).unwrap_or(path);
    let mut parts = rel.components().filter_map(|c| match c {
        Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
        _ => None,
    });
    let Some(first) = parts.next() else {
        return false;
    };
    if matches!(first.as_str(), "site" | "packs" | "pdf") {
        return false;
    }
    let name = rel
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    !rel.components()
        .any(|c| c.as_os_str().to_string_lossy().starts_with('.'))
        && !crate::source::is_editor_temp(&name)
}

fn rebuild_loop(
    project: &Path,
    out: &Path,
    mut live: Live,
    state: &Mutex<State>,
    rx: &Receiver<DebounceEventResult>,
) {
    // After a quick rebuild the search index is rewritten by a worker of
    // its own, so the next save is not held up by it; a full build counts
    // as a newer index and stops a worker that is still writing.
    let full_builds = Arc::new(AtomicU64::new(0));
    let (jobs, queue) = channel::<(u64, live::SearchJob)>();
    {
        let (out, full_builds) = (out.to_path_buf(), Arc::clone(&full_builds));
        std::thread::spawn(move || {
            // A pool of one thread: the index's parallel parts must not
            // queue ahead of the next save's rebuild in the shared pool.
            let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build();
            while let Ok(mut job) = queue.recv() {
                // Only the newest copy matters.
                while let Ok(newer) = queue.try_recv() {
                    job = newer;
                }
                let (seen, job) = job;
                let cancelled = || full_builds.load(Ordering::SeqCst) != seen;
                let write = || live::write_search(&job, &out, cancelled);
                let done = match &pool {
                    Ok(pool) => pool.install(write),
                    Err(_) => write(),
                };
                if let Err(e) = done {
                    eprintln!("错误：{e}");
                }
            }
        });
    }
    while let Ok(batch) = rx.recv() {
        let Ok(events) = batch else { continue };
        let mut changed = std::collections::BTreeSet::new();
        // Reading a file or folder (our own builds walk the project) is
        // not a change.
        let changes = events
            .iter()
            .filter(|e| !matches!(e.kind, notify::EventKind::Access(_)));
        for p in changes.flat_map(|e| e.paths.iter()) {
            if relevant(project, p) {
                changed.insert(rel_path(project, p));
            }
        }
        if changed.is_empty() {
            continue;
        }
        let changed: Vec<String> = changed.into_iter().collect();
        let started = std::time::Instant::now();
        let result = live.rebuild(project, out, &changed);
        let ms = started.elapsed().as_millis();
        let mut st = state.lock().unwrap_or_else(|p| p.into_inner());
        match result {
            Ok(done) => {
                match &done {
                    Done::Full(n) => eprintln!("已重新生成 {n} 个页面（{ms} 毫秒）"),
                    Done::Quick(pages) => eprintln!("已更新 {} 个页面（{ms} 毫秒）", pages.len()),
                }
                st.error = None;
                st.generation += 1;
                st.broadcast("reload", "");
                drop(st);
                match done {
                    Done::Quick(_) => {
                        let _ = jobs.send((full_builds.load(Ordering::SeqCst), live.search_job()));
                    }
                    Done::Full(_) => {
                        full_builds.fetch_add(1, Ordering::SeqCst);
                    }
                }
            }
            Err(e) => {
                eprint!("{}", e.terminal);
                eprintln!("生成失败\u{FF1A}浏览器里仍显示上一次成功的内容");
                st.broadcast("build-error", &e.page);
                st.error = Some(e.page);
            }
        }
    }
}

/// A changed path as the project names it: relative, `/`-separated.
fn rel_path(project: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(project).unwrap_or(path);
    rel.components()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("/")
}

fn open_browser(url: &str) {
    let result = if cfg!(target_os = "windows") {
        std::process::Command::new("cmd")
            .args(["/C", "start", "", url])
            .spawn()
    } else if cfg!(target_os = "macos") {
        std::process::Command::new("open").arg(url).spawn()
    } else {
        std::process::Command::new("xdg-open").arg(url).spawn()
    };
    if result.is_err() {
        eprintln!("没能自动打开浏览器\u{FF1B}请手动打开 {url}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_watcher_that_cannot_start_says_why_in_chinese() {
        let gone = notify::Error::path_not_found().add_path(std::path::PathBuf::from("/p/课程"));
        assert_eq!(watch_text(&gone), "/p/课程\u{FF1A}找不到这个文件夹");
        let denied = notify::Error::io(std::io::Error::from_raw_os_error(13));
        assert_eq!(watch_text(&denied), "没有权限（系统错误 13）");
        let full = notify::Error::new(notify::ErrorKind::MaxFilesWatch);
        assert!(watch_text(&full).contains("fs.inotify.max_user_watches"));
        assert!(!watch_text(&full).contains("limit"));
    }

    #[test]
    fn watcher_and_ctrl_c_failures_have_no_english() {
        let generic = notify::Error::generic("Input watch (inotify_init) failed");
        assert!(
            watch_hint(&generic).contains("--poll"),
            "{}",
            watch_hint(&generic)
        );
        // Said once, in the hint, not again in the reason.
        assert!(!watch_text(&generic).contains("--poll"));
        let cases = [
            ctrlc_text(&ctrlc::Error::MultipleHandlers),
            ctrlc_text(&ctrlc::Error::System(std::io::Error::from_raw_os_error(13))),
            watch_text(&generic),
            watch_text(&notify::Error::new(notify::ErrorKind::WatchNotFound)),
        ];
        for text in cases {
            // Their own words: "Input watch (inotify_init) failed", "Ctrl-C
            // signal handler already registered", "Permission denied".
            for english in ["failed", "handler", "watch", "denied", "Watch"] {
                assert!(!text.contains(english), "{text}");
            }
            assert!(
                text.chars().any(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c)),
                "{text}"
            );
        }
    }

    #[test]
    fn editor_temp_files_and_outputs_do_not_trigger_rebuilds() {
        let p = Path::new("/p");
        assert!(relevant(p, Path::new("/p/lessons/a.md")));
        assert!(!relevant(p, Path::new("/p/lessons/.a.md.swp")));
        assert!(!relevant(p, Path::new("/p/lessons/a.md~")));
        assert!(!relevant(p, Path::new("/p/lessons/~$a.docx")));
        assert!(!relevant(p, Path::new("/p/.git/index")));
        assert!(!relevant(p, Path::new("/p/site/index.html")));
    }
}
