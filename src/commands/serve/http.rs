//! serve's HTTP side (hyper on tokio): which requests are answered, the
//! pages with the live-reload script, and the event stream.
//!
//! Bounded everywhere, so a browser left open all day, a burst of tabs or
//! a stray program cannot stop the preview: at most [`MAX_CONNECTIONS`]
//! connections at once (the next few get a quick 503, any beyond are
//! closed), request heads of at most [`MAX_HEAD`] bytes that must arrive
//! within [`HEAD_TIMEOUT`] (an idle connection is closed then), no request
//! bodies (only GET and HEAD), only requests addressed to this preview's
//! own address (DNS rebinding), file reads on tokio's bounded blocking
//! pool, and event streams that are dropped as soon as a write fails, the
//! client closes, or it falls [`QUEUE`] events behind; a comment line
//! every [`HEARTBEAT`] finds the ones that went away silently.

use http_body_util::{Either, Full};
use hyper::body::{Body, Bytes, Frame, Incoming};
use hyper::header::{self, HeaderValue};
use hyper::http::uri::Authority;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use std::convert::Infallible;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, mpsc};

/// Connections served at once (each tab holds one for its event stream;
/// a browser opens up to six more per site while loading). With 256 open
/// files (macOS's default) this leaves room for the rebuilds.
pub const MAX_CONNECTIONS: usize = 128;
/// Connections beyond [`MAX_CONNECTIONS`] that are told to come back
/// later; any more are closed at once.
const MAX_REFUSALS: usize = 32;
/// How long a connection may take to send a request's head, and how long
/// it may sit idle between requests.
pub const HEAD_TIMEOUT: Duration = Duration::from_secs(5);
/// The most a request line and headers may take.
const MAX_HEAD: usize = 64 * 1024;
/// How often an event stream gets a comment line.
const HEARTBEAT: Duration = Duration::from_secs(15);
/// Events a stream may fall behind before it is dropped.
const QUEUE: usize = 16;

/// What the browser should show: nothing, or the last build's error.
#[derive(Default)]
pub struct State {
    pub error: Option<String>,
    /// Good builds so far (the first is 0): lets a client or a benchmark
    /// tell that a new build is being served.
    pub generation: u64,
    clients: Vec<mpsc::Sender<Bytes>>,
}

impl State {
    /// Sends an event to every open tab.
    pub fn broadcast(&mut self, event: &str, data: &str) {
        self.send(Bytes::from(format!(
            "event: {event}\ndata: {}\n\n",
            data.replace('\n', "\ndata: ")
        )));
    }

    /// Drops the streams whose connection is gone (its end of the channel
    /// is dropped when a write fails or the client closes) or that fell
    /// behind.
    fn send(&mut self, msg: Bytes) {
        self.clients.retain(|c| c.try_send(msg.clone()).is_ok());
    }

    /// The streams still open.
    fn live(&mut self) -> usize {
        self.clients.retain(|c| !c.is_closed());
        self.clients.len()
    }
}

fn lock(state: &Mutex<State>) -> std::sync::MutexGuard<'_, State> {
    state.lock().unwrap_or_else(PoisonError::into_inner)
}

/// What a connection needs to answer.
pub struct Site {
    /// The built site.
    pub out: PathBuf,
    /// The port the preview listens on: the only one a request may name.
    pub port: u16,
    pub state: Arc<Mutex<State>>,
}

/// Accepts connections until it cannot; returns why. Failures to accept
/// (no file handle left, a connection reset while waiting) are waited
/// out; only a minute of nothing but failures ends it.
pub async fn serve(listener: TcpListener, site: Arc<Site>) -> std::io::Error {
    tokio::spawn(heartbeat(Arc::clone(&site.state)));
    let open = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let refusing = Arc::new(Semaphore::new(MAX_REFUSALS));
    let mut failures = 0;
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => {
                failures = 0;
                stream
            }
            Err(e) => {
                failures += 1;
                if failures >= 600 {
                    return e;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        if let Ok(permit) = Arc::clone(&open).try_acquire_owned() {
            let site = Arc::clone(&site);
            tokio::spawn(async move {
                connection(stream, site).await;
                drop(permit);
            });
        } else if let Ok(permit) = Arc::clone(&refusing).try_acquire_owned() {
            tokio::spawn(async move {
                refuse(stream).await;
                drop(permit);
            });
        }
    }
}

async fn heartbeat(state: Arc<Mutex<State>>) {
    let mut every = tokio::time::interval(HEARTBEAT);
    every.tick().await;
    loop {
        every.tick().await;
        lock(&state).send(Bytes::from_static(b":\n\n"));
    }
}

async fn connection(stream: TcpStream, site: Arc<Site>) {
    let _ = stream.set_nodelay(true);
    let service = hyper::service::service_fn(move |req| {
        let site = Arc::clone(&site);
        async move { Ok::<_, Infallible>(respond(req, &site).await) }
    });
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(HEAD_TIMEOUT)
        .max_buf_size(MAX_HEAD);
    // A connection that fails or times out is simply closed.
    let _ = http.serve_connection(TokioIo::new(stream), service).await;
}

/// 503 for a connection beyond the limit, sent before its request is
/// read; what it sent is read and dropped (for at most a second) so that
/// closing does not reset the connection before the answer arrives.
async fn refuse(mut stream: TcpStream) {
    let body = "预览同时打开的连接太多了\u{FF0C}请关掉几个标签页后再刷新\u{3002}\n";
    let answer = format!(
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\nRetry-After: 1\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = tokio::time::timeout(Duration::from_secs(1), async {
        stream.write_all(answer.as_bytes()).await?;
        stream.shutdown().await?;
        let mut sink = [0u8; 4096];
        while stream.read(&mut sink).await? > 0 {}
        Ok::<(), std::io::Error>(())
    })
    .await;
}

/// A response body: a whole file or message, or an event stream.
type Reply = Response<Either<Full<Bytes>, Events>>;

/// An event stream's body: whatever [`State`] sends it, as it comes.
pub struct Events(mpsc::Receiver<Bytes>);

impl Body for Events {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        self.0.poll_recv(cx).map(|m| m.map(|b| Ok(Frame::data(b))))
    }
}

fn reply(status: StatusCode, kind: &'static str, body: impl Into<Bytes>) -> Reply {
    let mut r = Response::new(Either::Left(Full::new(body.into())));
    *r.status_mut() = status;
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

const TEXT: &str = "text/plain; charset=utf-8";

async fn respond(req: Request<Incoming>, site: &Site) -> Reply {
    if !addressed_here(&req, site.port) {
        return reply(
            StatusCode::FORBIDDEN,
            TEXT,
            format!(
                "这个请求不是发给本机预览的\u{FF0C}已拒绝\u{3002}请打开 xinyu serve 显示的地址 http://127.0.0.1:{}/\u{3002}\n",
                site.port
            ),
        );
    }
    if !matches!(*req.method(), Method::GET | Method::HEAD) {
        let mut r = reply(
            StatusCode::METHOD_NOT_ALLOWED,
            TEXT,
            "预览只用来查看网页\u{FF08}GET 和 HEAD\u{FF09}\u{FF0C}不接收上传的内容\u{3002}\n",
        );
        let h = r.headers_mut();
        h.insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        // The body is never read: the connection cannot carry another request.
        h.insert(header::CONNECTION, HeaderValue::from_static("close"));
        return r;
    }
    match req.uri().path() {
        "/__xinyu/events" => events(&site.state),
        "/__xinyu/state" => {
            let mut st = lock(&site.state);
            let json = serde_json::json!({
                "ok": st.error.is_none(),
                "error": st.error,
                "generation": st.generation,
                "clients": st.live(),
            });
            drop(st);
            reply(StatusCode::OK, "application/json", json.to_string())
        }
        path => {
            let (out, path) = (site.out.clone(), path.to_string());
            match tokio::task::spawn_blocking(move || file(&out, &path)).await {
                Ok(r) => r,
                Err(_) => reply(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    TEXT,
                    "预览读取这一页时出错了\u{FF0C}请刷新再试\u{3002}\n",
                ),
            }
        }
    }
}

/// True when the request names this preview: `Host` (and a full URL's
/// host, if given) is `127.0.0.1`, `localhost` or `[::1]` with this port.
/// A page elsewhere that points its own name at 127.0.0.1 (DNS rebinding)
/// sends its name and is refused.
fn addressed_here(req: &Request<Incoming>, port: u16) -> bool {
    let Some(host) = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
    else {
        return false;
    };
    local(host, port)
        && req
            .uri()
            .authority()
            .is_none_or(|a| local(a.as_str(), port))
}

fn local(authority: &str, port: u16) -> bool {
    let Ok(a) = authority.parse::<Authority>() else {
        return false;
    };
    let host = a.host();
    let named = host == "127.0.0.1" || host == "[::1]" || host.eq_ignore_ascii_case("localhost");
    named && a.port_u16().unwrap_or(80) == port && !authority.contains('@')
}

fn events(state: &Mutex<State>) -> Reply {
    let (tx, rx) = mpsc::channel(QUEUE);
    {
        let mut st = lock(state);
        // A tab that opens while the build is broken shows the overlay at once.
        let first = match &st.error {
            Some(e) => format!(
                "event: build-error\ndata: {}\n\n",
                e.replace('\n', "\ndata: ")
            ),
            None => ": ok\n\n".to_string(),
        };
        let _ = tx.try_send(Bytes::from(first));
        st.live();
        st.clients.push(tx);
    }
    let mut r = Response::new(Either::Right(Events(rx)));
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/event-stream; charset=utf-8"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    r
}

/// The script added to every served HTML page.
const LIVE: &str = r#"<script>(function(){var s=new EventSource("/__xinyu/events");var box=null,text=null;
function show(t){if(!box){box=document.createElement("section");box.id="xinyu-error";box.setAttribute("role","alert");
box.style.cssText="position:fixed;left:0;right:0;bottom:0;max-height:55vh;z-index:99999;background:#fff8f0;color:#222;border-top:4px solid #c0392b;box-shadow:0 -4px 16px rgba(0,0,0,.25);padding:1rem 1.25rem;overflow:auto;font:16px/1.7 system-ui,sans-serif";
var h=document.createElement("h2");h.style.cssText="margin:0 0 .5rem;font-size:1.1rem;color:#c0392b";h.textContent="这次保存后没能生成新页面";
var p=document.createElement("p");p.style.margin="0 0 .75rem";p.textContent="上面显示的还是上一次成功生成的内容。请按下面的提示改好文件并保存，页面会自动刷新。";
var c=document.createElement("button");c.type="button";c.textContent="先关掉提示";c.style.cssText="position:absolute;top:.75rem;right:1rem;font:inherit;font-size:.9rem";c.onclick=function(){box.style.display="none";};
text=document.createElement("pre");text.style.cssText="margin:0;white-space:pre-wrap;overflow-wrap:anywhere;font:15px/1.7 ui-monospace,Consolas,\"Liberation Mono\",\"Noto Sans Mono CJK SC\",monospace";
box.appendChild(h);box.appendChild(p);box.appendChild(c);box.appendChild(text);document.body.appendChild(box);}
box.style.display="block";text.textContent=t;}
s.addEventListener("reload",function(){location.reload();});
s.addEventListener("build-error",function(e){show(e.data);});})();</script>"#;

/// A file of the site (HTML with the live-reload script), or the Chinese
/// 403 and 404 pages. Blocking: runs on tokio's blocking pool.
fn file(out: &Path, path: &str) -> Reply {
    let Some(file) = resolve(out, path) else {
        return reply(
            StatusCode::FORBIDDEN,
            TEXT,
            "预览只能打开网站文件夹里的文件\u{3002}\n",
        );
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
            reply(StatusCode::OK, kind, bytes)
        }
        Err(_) => {
            let page = format!(
                "<!doctype html><html lang=\"zh-Hans\"><meta charset=\"utf-8\"><title>找不到这一页</title><body style=\"font:18px/1.7 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem\"><h1>找不到这一页</h1><p>预览里没有 <code>{}</code> 这一页。它可能已经改名或删掉了。</p><p><a href=\"/\">回到首页</a></p></body></html>",
                html_escape(path)
            );
            reply(StatusCode::NOT_FOUND, "text/html; charset=utf-8", page)
        }
    }
}

/// The file a URL path names inside the site, or `None` for anything that
/// would leave it (`..`, absolute or drive paths).
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
    fn closed_and_stalled_event_streams_are_dropped() {
        let mut st = State::default();
        let (open, mut reading) = mpsc::channel(QUEUE);
        let (closed, gone) = mpsc::channel(QUEUE);
        let (stalled, _never_read) = mpsc::channel(QUEUE);
        st.clients = vec![open, closed, stalled];
        drop(gone);
        assert_eq!(st.live(), 2);
        for _ in 0..QUEUE + 1 {
            st.send(Bytes::from_static(b":\n\n"));
            while reading.try_recv().is_ok() {}
        }
        assert_eq!(st.live(), 1, "only the stream that reads stays");
        st.broadcast("reload", "");
        assert_eq!(reading.try_recv().unwrap(), "event: reload\ndata: \n\n");
    }

    #[test]
    fn only_this_previews_own_address_is_local() {
        for ok in [
            "127.0.0.1:8080",
            "localhost:8080",
            "LOCALHOST:8080",
            "[::1]:8080",
        ] {
            assert!(local(ok, 8080), "{ok}");
        }
        for bad in [
            "evil.example",
            "evil.example:8080",
            "127.0.0.1",
            "127.0.0.1:8081",
            "localhost.evil.example:8080",
            "user@127.0.0.1:8080",
            "",
        ] {
            assert!(!local(bad, 8080), "{bad}");
        }
        assert!(local("127.0.0.1", 80));
    }
}
