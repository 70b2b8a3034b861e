//! `xinyu serve` with the real binary on a free port: an edit is visible
//! after the rebuild, a broken edit keeps the last good page and reports
//! the error (shown as an overlay by the injected script), a fix clears it.

mod common;
use common::*;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn get(port: u16, path: &str) -> (u16, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    write!(s, "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").unwrap();
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    let text = String::from_utf8_lossy(&buf).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map_or(String::new(), |(_, b)| b.to_string());
    (status, body)
}

fn wait_for(what: &str, mut f: impl FnMut() -> bool) {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(20) {
        if f() {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("timed out waiting for {what}");
}

#[test]
fn serve_rebuilds_on_save_and_shows_errors_until_fixed() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("p");
    copy_tree(&fixture("base"), &p);
    let child = Command::new(assert_cmd::cargo::cargo_bin("xinyu"))
        .args(["serve", "--port", "0"])
        .arg(&p)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut server = Server(child);
    let mut line = String::new();
    BufReader::new(server.0.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let port: u16 = line
        .trim()
        .trim_end_matches('/')
        .rsplit(':')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(line.starts_with("http://127.0.0.1:"), "{line}");

    let page = "/lessons/junior-high/01-emotion-weather.html";
    let (status, body) = get(port, page);
    assert_eq!(status, 200);
    assert!(
        body.contains("<h1>情绪气象站</h1>") && body.contains("/__xinyu/events"),
        "live-reload script missing"
    );
    assert_eq!(get(port, "/").0, 200);
    // A preview leaves the packs out, and says so.
    assert!(
        get(port, "/downloads.html")
            .1
            .contains("预览时不生成课程包")
    );
    assert_eq!(get(port, "/packs.json").0, 404);
    assert_eq!(get(port, "/../../etc/passwd").0, 403);
    assert_eq!(get(port, "/lessons/%2e%2e/%2e%2e/%2e%2e/etc/passwd").0, 403);

    // An edit is visible after the rebuild.
    let file = p.join("lessons/junior-high/01-emotion-weather.md");
    let good = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        good.replace("title: 情绪气象站", "title: 情绪天气台"),
    )
    .unwrap();
    wait_for("the edited title", || {
        get(port, page).1.contains("<h1>情绪天气台</h1>")
    });

    // A broken edit: the last good page stays, the error names file and line.
    std::fs::write(
        &file,
        good.replace("title: 情绪气象站", "titel: 情绪气象站"),
    )
    .unwrap();
    wait_for("the error state", || {
        get(port, "/__xinyu/state").1.contains("titel")
    });
    let state = get(port, "/__xinyu/state").1;
    assert!(
        state.contains("lessons/junior-high/01-emotion-weather.md:2:1"),
        "{state}"
    );
    assert!(
        get(port, page).1.contains("<h1>情绪天气台</h1>"),
        "the last good page must stay"
    );
    // The events stream tells an open tab to show the overlay.
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    write!(s, "GET /__xinyu/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").unwrap();
    let mut buf = [0u8; 4096];
    let mut got = String::new();
    while !got.contains("titel") {
        let n = s.read(&mut buf).unwrap();
        assert!(n > 0, "stream closed: {got}");
        got.push_str(&String::from_utf8_lossy(&buf[..n]));
    }
    assert!(got.contains("event: build-error"), "{got}");

    // A fix clears it.
    std::fs::write(&file, &good).unwrap();
    wait_for("the fix", || {
        get(port, "/__xinyu/state").1.contains("\"ok\":true")
    });
    assert!(get(port, page).1.contains("<h1>情绪气象站</h1>"));
}
