//! `xinyu serve`: build, serve on 127.0.0.1, watch, rebuild, reload.
//!
//! The site is built into a private folder and served from there; a small
//! script is added to HTML responses (never to built files) that listens on
//! Server-Sent Events: `reload` after a good rebuild, `build-error` with the
//! diagnostics after a failed one, which keeps the last good site and shows
//! an overlay until the next good build.

use crate::diagnostic;
use crate::load;
use crate::site;
use notify::RecursiveMode;
use notify_debouncer_full::{DebounceEventResult, new_debouncer, new_debouncer_opt};
use std::io::Read;
use std::path::{Component, Path, PathBuf};
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

/// Builds `project` into `out`; `Err` holds the diagnostics as text.
fn rebuild(project: &Path, out: &Path) -> Result<usize, String> {
    let loaded = load::load(project);
    let Some(c) = loaded
        .curriculum
        .filter(|_| !loaded.diagnostics.has_errors())
    else {
        return Err(diagnostic::render(&loaded.diagnostics, &loaded.sources));
    };
    match site::build(project, &c, out, site::Options::default()) {
        Ok(s) => Ok(s.pages),
        Err(site::Failure::Input(d)) => {
            let mut all = crate::diagnostic::Diagnostics::default();
            d.into_iter().for_each(|x| all.push(x));
            Err(diagnostic::render(&all, &loaded.sources))
        }
        Err(site::Failure::Io(e)) => Err(format!("{e:#}")),
    }
}

/// The script added to every served HTML page.
const LIVE: &str = r#"<script>(function(){var s=new EventSource("/__xinyu/events");var box=null;
function show(t){if(!box){box=document.createElement("div");box.id="xinyu-error";box.setAttribute("role","alert");
box.style.cssText="position:fixed;inset:0;z-index:99999;background:rgba(20,20,20,.92);color:#fff;padding:2rem;overflow:auto;font:14px/1.6 monospace;white-space:pre-wrap";
document.body.appendChild(box);}box.textContent="生成失败,上面显示的是上一次成功的内容。请修正下面的错误,保存后会自动刷新:\n\n"+t;}
s.addEventListener("reload",function(){location.reload();});
s.addEventListener("build-error",function(e){show(e.data);});})();</script>"#;

/// Serves until interrupted; returns the exit code.
pub fn run(project: &Path, o: &Options) -> i32 {
    let work = match tempfile::tempdir() {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: 无法创建临时文件夹\u{FF1A}{e}");
            return 1;
        }
    };
    let out = work.path().join("site");
    let state = Arc::new(Mutex::new(State::default()));
    match rebuild(project, &out) {
        Ok(n) => eprintln!("已生成 {n} 个页面"),
        Err(e) => {
            // Nothing good to show yet: say so and stop.
            eprint!("{e}");
            eprintln!("生成失败\u{FF1A}请先修正上面的错误再预览。");
            return 1;
        }
    }
    let server = match tiny_http::Server::http(("127.0.0.1", o.port)) {
        Ok(s) => s,
        Err(e) => {
            eprintln!(
                "error: 无法在 127.0.0.1:{} 上启动预览\u{FF1A}{e}(换一个 --port 试试)",
                o.port
            );
            return 1;
        }
    };
    let port = server.server_addr().to_ip().map_or(o.port, |a| a.port());
    let url = format!("http://127.0.0.1:{port}/");
    println!("{url}");
    eprintln!("正在预览 {url}(按 Ctrl+C 结束)\u{FF1B}保存文件后会自动重新生成并刷新浏览器");

    // Watch the project; rebuild on every debounced batch of real changes.
    let (tx, rx) = channel::<DebounceEventResult>();
    let watched = watch(project, o.poll, tx);
    let _debouncer = match watched {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: 无法监视项目文件夹\u{FF1A}{e}(可以试试 --poll)");
            return 1;
        }
    };
    {
        let (project, out, state) = (project.to_path_buf(), out.clone(), Arc::clone(&state));
        std::thread::spawn(move || rebuild_loop(&project, &out, &state, &rx));
    }
    if o.open {
        open_browser(&url);
    }
    for request in server.incoming_requests() {
        let state = Arc::clone(&state);
        let out = out.clone();
        std::thread::spawn(move || respond(request, &out, &state));
    }
    0
}

type Watching = Box<dyn std::any::Any + Send>;

fn watch(
    project: &Path,
    poll: bool,
    tx: Sender<DebounceEventResult>,
) -> Result<Watching, notify::Error> {
    let delay = Duration::from_millis(150);
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
        && !load::is_editor_temp(&name)
}

fn rebuild_loop(
    project: &Path,
    out: &Path,
    state: &Mutex<State>,
    rx: &Receiver<DebounceEventResult>,
) {
    while let Ok(batch) = rx.recv() {
        let Ok(events) = batch else { continue };
        if !events
            .iter()
            .any(|e| e.paths.iter().any(|p| relevant(project, p)))
        {
            continue;
        }
        let started = std::time::Instant::now();
        let result = rebuild(project, out);
        let mut st = state.lock().unwrap_or_else(|p| p.into_inner());
        match result {
            Ok(n) => {
                eprintln!(
                    "已重新生成 {n} 个页面({} 毫秒)",
                    started.elapsed().as_millis()
                );
                st.error = None;
                st.broadcast("reload", "");
            }
            Err(e) => {
                eprint!("{e}");
                eprintln!("生成失败\u{FF1A}浏览器里仍显示上一次成功的内容");
                st.broadcast("build-error", &e);
                st.error = Some(e);
            }
        }
    }
}

/// A stream of Server-Sent Events for one browser tab.
struct Events {
    rx: Receiver<String>,
    pending: Vec<u8>,
}

impl Read for Events {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.pending.is_empty() {
            match self.rx.recv() {
                Ok(msg) => self.pending = msg.into_bytes(),
                Err(_) => return Ok(0),
            }
        }
        let n = buf.len().min(self.pending.len());
        buf[..n].copy_from_slice(&self.pending[..n]);
        self.pending.drain(..n);
        Ok(n)
    }
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
        let body = Events {
            rx,
            pending: Vec::new(),
        };
        let response = tiny_http::Response::new(
            tiny_http::StatusCode(200),
            vec![
                header("Content-Type", "text/event-stream; charset=utf-8"),
                header("Cache-Control", "no-cache"),
            ],
            body,
            None,
            None,
        );
        let _ = request.respond(response);
        return;
    }
    if path == "/__xinyu/state" {
        let st = state.lock().unwrap_or_else(|p| p.into_inner());
        let json = serde_json::json!({ "ok": st.error.is_none(), "error": st.error }).to_string();
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
            let _ = request
                .respond(tiny_http::Response::from_string("404 not found").with_status_code(404));
        }
    }
}

/// The file a URL path names inside the site, or `None` for anything that
/// would leave it (`..`, absolute or drive paths).
fn resolve(root: &Path, url_path: &str) -> Option<PathBuf> {
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
