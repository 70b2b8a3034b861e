//! `xinyu serve`: build, serve on 127.0.0.1, watch, rebuild, reload.
//!
//! The site is built into a private folder and served from there; a small
//! script is added to HTML responses (never to built files) that listens on
//! Server-Sent Events: `reload` after a good rebuild, `build-error` with the
//! diagnostics after a failed one, which keeps the last good site and shows
//! an overlay until the next good build.

use crate::live::{self, Done, Live};
use notify::RecursiveMode;
use notify_debouncer_full::{DebounceEventResult, new_debouncer, new_debouncer_opt};
use std::io::Write;
use std::path::{Component, Path, PathBuf};
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

/// What the browser should show: nothing, or the last build's error.
#[derive(Default)]
struct State {
    error: Option<String>,
    /// Good builds so far (the first is 0): lets a client or a benchmark
    /// tell that a new build is being served.
    generation: u64,
    clients: Vec<Sender<String>>,
}

impl State {
    fn broadcast(&mut self, event: &str, data: &str) {
        let msg = format!(
            "event: {event}\ndata: {}\n\n",
            data.replace('\n', "\ndata: ")
        );
        self.clients.retain(|c| c.send(msg.clone()).is_ok());
    }
}

/// The script added to every served HTML page.
const LIVE: &str = r#"<script>(function(){var s=new EventSource("/__xinyu/events");var box=null,text=null;
function show(t){if(!box){box=document.createElement("section");box.id="xinyu-error";box.setAttribute("role","alert");
box.style.cssText="position:fixed;left:0;right:0;bottom:0;max-height:55vh;z-index:99999;background:#fff8f0;color:#222;border-top:4px solid #c0392b;box-shadow:0 -4px 16px rgba(0,0,0,.25);padding:1rem 1.25rem;overflow:auto;font:16px/1.7 system-ui,sans-serif";
var h=document.createElement("h2");h.style.cssText="margin:0 0 .5rem;font-size:1.1rem;color:#c0392b";h.textContent="这次保存后没能生成新页面";
var p=document.createElement("p");p.style.margin="0 0 .75rem";p.textContent="上面显示的还是上一次成功生成的内容。请按下面的提示改好文件并保存，页面会自动刷新。";
var c=document.createElement("button");c.type="button";c.textContent="先关掉提示";c.style.cssText="position:absolute;top:.75rem;right:1rem;font:inherit;font-size:.9rem";c.onclick=function(){box.style.display="none";};
text=document.createElement("pre");text.style.cssText="margin:0;white-space:pre-wrap;font:15px/1.7 system-ui,sans-serif";
box.appendChild(h);box.appendChild(p);box.appendChild(c);box.appendChild(text);document.body.appendChild(box);}
box.style.display="block";text.textContent=t;}
s.addEventListener("reload",function(){location.reload();});
s.addEventListener("build-error",function(e){show(e.data);});})();</script>"#;

/// Serves until interrupted; returns the exit code.
pub fn run(project: &Path, o: &Options) -> i32 {
    let work = match crate::writer::Scratch::new() {
        Ok(t) => t,
        Err(e) => {
            eprintln!("错误：{e:#}");
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
            eprintln!("错误：无法监视项目文件夹\u{FF1A}{e}（可以试试 --poll）");
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
    let server = match tiny_http::Server::http(("127.0.0.1", o.port)) {
        Ok(s) => s,
        Err(e) => {
            eprintln!(
                "错误：无法在 127.0.0.1:{} 上启动预览\u{FF1A}{e}（换一个 --port 试试）",
                o.port
            );
            return 1;
        }
    };
    let port = server.server_addr().to_ip().map_or(o.port, |a| a.port());
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
    // Ctrl+C (or closing the terminal) ends the loop below instead of
    // killing the process, so the preview's scratch folder is removed.
    let server = Arc::new(server);
    {
        let server = Arc::clone(&server);
        if let Err(e) = ctrlc::set_handler(move || server.unblock()) {
            eprintln!(
                "警告\u{FF1A}无法接管 Ctrl+C\u{FF08}{e}\u{FF09}\u{FF1B}结束预览后临时文件夹可能留在系统临时目录里"
            );
        }
    }
    for request in server.incoming_requests() {
        let state = Arc::clone(&state);
        let out = out.clone();
        std::thread::spawn(move || respond(request, &out, &state));
    }
    eprintln!("已结束预览\u{FF0C}临时文件已清理。");
    0
}

type Watching = Box<dyn std::any::Any + Send>;

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
            while let Ok(mut job) = queue.recv() {
                // Only the newest copy matters.
                while let Ok(newer) = queue.try_recv() {
                    job = newer;
                }
                let (seen, job) = job;
                let cancelled = || full_builds.load(Ordering::SeqCst) != seen;
                if let Err(e) = live::write_search(&job, &out, cancelled) {
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

fn header(k: &str, v: &str) -> tiny_http::Header {
    tiny_http::Header::from_bytes(k.as_bytes(), v.as_bytes()).expect("valid header")
}

fn respond(request: tiny_http::Request, out: &Path, state: &Mutex<State>) {
    let url = request.url().to_string();
    let path = url.split(['?', '#']).next().unwrap_or("/");
    if path == "/__xinyu/events" {
        let (tx, rx) = channel();
        {
            let mut st = state.lock().unwrap_or_else(|p| p.into_inner());
            // A tab that opens while the build is broken shows the overlay at once.
            let first = match &st.error {
                Some(e) => format!(
                    "event: build-error\ndata: {}\n\n",
                    e.replace('\n', "\ndata: ")
                ),
                None => ": ok\n\n".to_string(),
            };
            let _ = tx.send(first);
            st.clients.push(tx);
        }
        // Written by hand, not through tiny_http's chunked encoder: that
        // holds back 8 KiB before sending, and an event must reach the tab
        // at once.
        let mut w = request.into_writer();
        let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\n";
        if w.write_all(head.as_bytes())
            .and_then(|()| w.flush())
            .is_err()
        {
            return;
        }
        while let Ok(msg) = rx.recv() {
            if w.write_all(msg.as_bytes())
                .and_then(|()| w.flush())
                .is_err()
            {
                return;
            }
        }
        return;
    }
    if path == "/__xinyu/state" {
        let st = state.lock().unwrap_or_else(|p| p.into_inner());
        let json = serde_json::json!({ "ok": st.error.is_none(), "error": st.error, "generation": st.generation }).to_string();
        drop(st);
        let _ = request.respond(
            tiny_http::Response::from_string(json)
                .with_header(header("Content-Type", "application/json")),
        );
        return;
    }
    let Some(file) = resolve(out, path) else {
        let _ = request
            .respond(tiny_http::Response::from_string("403 forbidden").with_status_code(403));
        return;
    };
    match std::fs::read(&file) {
        Ok(mut bytes) => {
            let kind = content_type(&file);
            if kind.starts_with("text/html") {
                let html = String::from_utf8_lossy(&bytes);
                let injected = match html.rfind("</body>") {
                    Some(i) => format!("{}{LIVE}{}", &html[..i], &html[i..]),
                    None => format!("{html}{LIVE}"),
                };
                bytes = injected.into_bytes();
            }
            let _ = request.respond(
                tiny_http::Response::from_data(bytes)
                    .with_header(header("Content-Type", kind))
                    .with_header(header("Cache-Control", "no-store")),
            );
        }
        Err(_) => {
            let page = format!(
                "<!doctype html><html lang=\"zh-Hans\"><meta charset=\"utf-8\"><title>找不到这一页</title><body style=\"font:18px/1.7 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem\"><h1>找不到这一页</h1><p>预览里没有 <code>{}</code> 这一页。它可能已经改名或删掉了。</p><p><a href=\"/\">回到首页</a></p></body></html>",
                html_escape(path)
            );
            let _ = request.respond(
                tiny_http::Response::from_string(page)
                    .with_header(header("Content-Type", "text/html; charset=utf-8"))
                    .with_status_code(404),
            );
        }
    }
}

/// The file a URL path names inside the site, or `None` for anything that
/// would leave it (`..`, absolute or drive paths). Public only so the
/// `serve_path` fuzz target can hold it to that promise.
pub fn resolve(root: &Path, url_path: &str) -> Option<PathBuf> {
    let decoded = percent_encoding::percent_decode_str(url_path)
        .decode_utf8()
        .ok()?;
    let mut p = root.to_path_buf();
    for seg in decoded.split('/') {
        match seg {
            "" | "." => {}
            ".." => return None,
            s if s.contains(['\\', ':']) => return None,
            s => p.push(s),
        }
    }
    if p.is_dir() {
        p.push("index.html");
    }
    Some(p)
}

fn content_type(p: &Path) -> &'static str {
    match p
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("pdf") => "application/pdf",
        Some("zip") => "application/zip",
        Some("ics") => "text/calendar; charset=utf-8",
        Some("atom") => "application/atom+xml",
        Some("mp3") => "audio/mpeg",
        _ => "application/octet-stream",
    }
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

/// `path` safe to show inside HTML text.
fn html_escape(path: &str) -> String {
    path.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traversal_is_refused() {
        let root = Path::new("/srv/site");
        assert_eq!(resolve(root, "/../etc/passwd"), None);
        assert_eq!(resolve(root, "/a/%2e%2e/%2e%2e/x"), None);
        assert_eq!(resolve(root, "/C:/x"), None);
        assert_eq!(
            resolve(root, "/lessons/a.html"),
            Some(PathBuf::from("/srv/site/lessons/a.html"))
        );
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
