//! The one place the tool writes files. A build goes into a staging folder
//! next to the output folder and only a complete build is swapped in, so a
//! failed or interrupted build leaves the previous output exactly as it
//! was; single files (zips, PDFs, serve's rewrites, new skeletons) are
//! written beside their final name and renamed into place.
//!
//! Must not: decide what is written (the plan does) or render anything.

use anyhow::{Context, Result, bail};
use std::fs;
use std::path::{Path, PathBuf};

/// Marks a folder as xinyu output, so a build never replaces a folder that
/// holds anything else.
pub const MARKER: &str = ".xinyu-build";

/// The project folders xinyu reads besides the content ones: an output
/// inside any of them would be read back in on the next build and grow.
const OTHER_INPUTS: [&str; 2] = ["themes", "rules"];

/// A build in progress.
pub struct Staging {
    dir: PathBuf,
    out: PathBuf,
    committed: bool,
    /// Every file written, for the marker (what xinyu made).
    written: std::sync::Mutex<Vec<String>>,
    /// Folders made so far: a file in one needs no `create_dir_all` (two
    /// system calls and their path walks, for each of 44,000 files of a
    /// big site).
    made: Dirs,
    /// Held until the build ends: a second build into the same folder is
    /// refused instead of mixing two sites.
    _lock: fs::File,
}

/// Deletes a folder and everything in it, its folders in parallel: after
/// a rebuild the previous site (44,000 files at 10,000 lessons) is deleted
/// while the command waits, and one thread took 0.7 s of it on ext4.
fn remove_tree(dir: &Path) -> std::io::Result<()> {
    remove_dir_all::remove_dir_all(dir)
}

fn sibling(out: &Path, suffix: &str) -> PathBuf {
    let name = out
        .file_name()
        .map_or_else(|| "site".into(), |n| n.to_string_lossy().into_owned());
    out.with_file_name(format!(".{name}.{suffix}"))
}

impl Staging {
    /// Checks that `out` may be replaced and creates an empty staging folder.
    /// `project` is the project root, which the output must never replace.
    pub fn begin(out: &Path, project: &Path) -> Result<Staging> {
        let out = absolute(out)?;
        let project = absolute(project)?;
        if project.starts_with(&out) {
            bail!(
                "输出文件夹 {} 包含项目本身，生成时会被整体替换；请换一个输出文件夹（例如 --out site）",
                out.display()
            );
        }
        if let Some(f) = crate::model::CONTENT_FOLDERS
            .iter()
            .chain(OTHER_INPUTS.iter())
            .find(|f| out.starts_with(project.join(f)))
        {
            bail!(
                "输出文件夹 {} 在项目的 {f}/ 里面\u{FF1A}下次生成时，上一次的输出会被当成内容读进来，越来越大\u{FF1B}请把输出放在 {f}/ 外面（例如默认的 site/）",
                out.display()
            );
        }
        let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) else {
            bail!(
                "不能把整个磁盘 {} 当作输出文件夹\u{FF1B}请在里面建一个文件夹\u{FF0C}例如 --out {}",
                out.display(),
                out.join("心理课").display()
            );
        };
        if is_mount_point(&out, parent) {
            bail!(
                "{} 是一个磁盘（例如 U 盘）的根目录\u{FF0C}生成时没法整体替换它\u{FF1B}请在里面建一个文件夹\u{FF0C}例如 --out {}",
                out.display(),
                out.join("心理课").display()
            );
        }
        fs::create_dir_all(parent)
            .with_context(|| format!("无法创建文件夹 {}", parent.display()))?;
        let lock = lock(&out)?;
        if out.exists() {
            if !out.is_dir() {
                bail!(
                    "输出位置 {} 已有一个同名文件；请换一个输出文件夹",
                    out.display()
                );
            }
            let empty = fs::read_dir(&out)
                .with_context(|| format!("无法读取输出文件夹 {}", out.display()))?
                .next()
                .is_none();
            if !empty && !out.join(MARKER).exists() {
                bail!(
                    "输出文件夹 {} 里已有别的文件，它不是 xinyu 生成的，为了不覆盖它们，生成已停止；请换一个新的或空的文件夹",
                    out.display()
                );
            }
            let added = not_ours(&out);
            if !added.is_empty() {
                let shown: Vec<&str> = added.iter().take(5).map(String::as_str).collect();
                bail!(
                    "输出文件夹 {} 里有 {} 个文件不是 xinyu 生成的（{}{}）\u{FF1B}生成会整体替换这个文件夹\u{FF0C}它们会被删掉\u{FF0C}所以这次没有生成\u{FF1B}请先把它们移到别处\u{FF0C}再重新生成",
                    out.display(),
                    added.len(),
                    shown.join("、"),
                    if added.len() > shown.len() {
                        " 等"
                    } else {
                        ""
                    }
                );
            }
        }
        // A build killed between the two renames of `commit` leaves only the
        // old copy: put it back before anything else touches it.
        let old = sibling(&out, "xinyu-old");
        if !out.exists() && old.is_dir() {
            fs::rename(&old, &out)
                .with_context(|| format!("无法恢复上一次的输出 {}", old.display()))?;
        }
        let dir = sibling(&out, "xinyu-tmp");
        if dir.exists() {
            // Left behind by an interrupted build.
            remove_tree(&dir).with_context(|| format!("无法清理 {}", dir.display()))?;
        }
        fs::create_dir_all(&dir)
            .with_context(|| format!("无法创建临时文件夹 {}", dir.display()))?;
        Ok(Staging {
            dir,
            out,
            committed: false,
            written: std::sync::Mutex::default(),
            made: Dirs::default(),
            _lock: lock,
        })
    }

    /// The final output folder.
    pub fn out(&self) -> &Path {
        &self.out
    }

    /// Writes one file (project-relative `/` path) into the staging folder.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<()> {
        write_inside(&self.dir, rel, bytes, Some(&self.made))?;
        self.written
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(rel.to_string());
        Ok(())
    }

    /// Swaps the finished build in place of the previous output.
    pub fn commit(mut self) -> Result<()> {
        // The marker lists every file this build wrote, so the next build
        // can tell a file someone added by hand from its own.
        let mut files =
            std::mem::take(&mut *self.written.lock().unwrap_or_else(|p| p.into_inner()));
        files.sort();
        let mut marker = String::from(MARKER_HEAD);
        for f in &files {
            marker.push_str(f);
            marker.push('\n');
        }
        write_inside(&self.dir, MARKER, marker.as_bytes(), None)?;
        let old = sibling(&self.out, "xinyu-old");
        if old.exists() {
            remove_tree(&old).with_context(|| format!("无法清理 {}", old.display()))?;
        }
        let had_previous = self.out.exists();
        if had_previous {
            fs::rename(&self.out, &old).with_context(|| {
                format!(
                    "无法替换输出文件夹 {}（是否有文件正被打开？）",
                    self.out.display()
                )
            })?;
        }
        if let Err(e) = fs::rename(&self.dir, &self.out) {
            if had_previous {
                let _ = fs::rename(&old, &self.out);
            }
            return Err(e).with_context(|| format!("无法写入输出文件夹 {}", self.out.display()));
        }
        self.committed = true;
        if had_previous {
            // The new build is in place; a leftover old copy is only untidy.
            let _ = remove_tree(&old);
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = remove_tree(&self.dir);
        }
    }
}

/// The marker's first line; the files the build wrote follow, one a line.
const MARKER_HEAD: &str = "This folder is generated by xinyu and replaced on every build.\n";

/// Files in a folder xinyu built that its marker does not list (added by
/// hand). An older marker without a list counts every file as ours.
fn not_ours(out: &Path) -> Vec<String> {
    let Ok(marker) = fs::read_to_string(out.join(MARKER)) else {
        return Vec::new();
    };
    let listed: std::collections::HashSet<&str> = marker.lines().skip(1).collect();
    if listed.is_empty() {
        return Vec::new();
    }
    let mut added: Vec<String> = walkdir::WalkDir::new(out)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            let rel = e.path().strip_prefix(out).ok()?;
            let rel = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            (rel != MARKER && !listed.contains(rel.as_str())).then_some(rel)
        })
        .collect();
    added.sort();
    added
}

/// Takes the build lock beside `out`; a second build into the same folder
/// (another window, an editor's build-on-save) is refused while one runs.
fn lock(out: &Path) -> Result<fs::File> {
    let path = sibling(out, "xinyu-lock");
    let mut opts = fs::OpenOptions::new();
    opts.create(true).truncate(false).write(true);
    // The lock stays beside the site (removing it would race with the
    // next build). A leading dot hides it everywhere but Windows; there
    // it is made hidden, so Explorer shows a teacher only the site.
    #[cfg(windows)]
    {
        use std::os::windows::fs::OpenOptionsExt;
        const FILE_ATTRIBUTE_HIDDEN: u32 = 0x2;
        opts.attributes(FILE_ATTRIBUTE_HIDDEN);
    }
    let file = opts
        .open(&path)
        .with_context(|| format!("无法创建 {}", path.display()))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(fs::TryLockError::WouldBlock) => bail!(
            "另一个 xinyu 正在往 {} 里生成（例如另一个窗口，或编辑器的保存时自动生成）\u{FF1B}两次生成同时写一个文件夹会把网站弄坏\u{FF0C}所以这次没有生成\u{FF1B}请等它结束后再运行",
            out.display()
        ),
        Err(fs::TryLockError::Error(e)) => {
            Err(e).with_context(|| format!("无法锁定 {}", path.display()))
        }
    }
}

/// True when `out` is the root of a mounted file system (a USB stick's
/// root): it cannot be renamed, so it cannot be swapped.
fn is_mount_point(out: &Path, parent: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (fs::metadata(out), fs::metadata(parent)) {
            (Ok(o), Ok(p)) => o.dev() != p.dev(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (out, parent);
        false
    }
}

/// Puts back the previous output when a build was killed between the two
/// renames of a commit (only the `.NAME.xinyu-old` copy is left). Every
/// build calls this first, so a build that then stops on a content error
/// leaves the previous site in place, as it says.
pub fn recover(out: &Path) -> Result<()> {
    let out = absolute(out)?;
    let old = sibling(&out, "xinyu-old");
    if !out.exists() && old.is_dir() {
        fs::rename(&old, &out)
            .with_context(|| format!("无法恢复上一次的输出 {}", old.display()))?;
    }
    Ok(())
}

/// Where a run of the pipeline puts its files.
pub trait Out: Sync {
    /// Writes one file at `rel` (a `/`-separated path inside the output).
    fn put(&self, rel: &str, bytes: &[u8]) -> Result<()>;
}

impl Out for Staging {
    fn put(&self, rel: &str, bytes: &[u8]) -> Result<()> {
        self.write(rel, bytes)
    }
}

/// Relative folders already made inside an output folder.
type Dirs = std::sync::Mutex<std::collections::HashSet<String>>;

/// Refuses anything but a plain relative name, so nothing lands outside
/// `dir`, then writes the file; its folder is made unless `made` has it.
fn write_inside(dir: &Path, rel: &str, bytes: &[u8], made: Option<&Dirs>) -> Result<()> {
    let plain = !rel.is_empty()
        && Path::new(rel)
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)))
        && !rel.contains(':');
    if !plain {
        bail!("拒绝写入输出文件夹之外的路径 {rel}");
    }
    let path = dir.join(rel);
    let folder = rel.rsplit_once('/').map_or("", |(d, _)| d);
    let known = |m: &Dirs| m.lock().unwrap_or_else(|p| p.into_inner()).contains(folder);
    if let Some(parent) = path.parent()
        && !made.is_some_and(known)
    {
        fs::create_dir_all(parent)
            .with_context(|| format!("无法创建文件夹 {}", parent.display()))?;
        if let Some(m) = made {
            m.lock()
                .unwrap_or_else(|p| p.into_inner())
                .insert(folder.to_string());
        }
    }
    fs::write(&path, bytes).with_context(|| format!("无法写入 {}", path.display()))
}

/// A live folder whose files are replaced one at a time (serve's quick
/// rebuilds): a reader sees each file's old or new bytes, never half.
pub struct Live<'a>(pub &'a Path);

impl Out for Live<'_> {
    fn put(&self, rel: &str, bytes: &[u8]) -> Result<()> {
        replace(&self.0.join(rel), bytes).with_context(|| format!("无法写入 {rel}"))
    }
}

/// Replaces one file so a reader sees the old or the new bytes, never half.
pub fn replace(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    std::io::Write::write_all(&mut tmp, bytes)?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Files held in memory until the whole run succeeded, then written to
/// another output in path order (serve's quick rebuilds: a failed one
/// leaves the live folder untouched).
#[derive(Default)]
pub struct Batch(std::sync::Mutex<std::collections::BTreeMap<String, Vec<u8>>>);

impl Out for Batch {
    fn put(&self, rel: &str, bytes: &[u8]) -> Result<()> {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(rel.to_string(), bytes.to_vec());
        Ok(())
    }
}

impl Batch {
    /// Writes every file into `out`; returns their paths.
    pub fn write_to(self, out: &dyn Out) -> Result<Vec<String>> {
        let files = self.0.into_inner().unwrap_or_else(|p| p.into_inner());
        for (rel, bytes) in &files {
            out.put(rel, bytes)?;
        }
        Ok(files.into_keys().collect())
    }
}

/// A private temporary folder (for pages a browser prints to PDF), removed
/// when dropped.
pub struct Scratch(tempfile::TempDir);

impl Scratch {
    /// A new, empty folder that only its owner can read or enter (tempfile
    /// leaves a new folder's mode to the umask, often 0755).
    pub fn new() -> Result<Scratch> {
        let mut b = tempfile::Builder::new();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            b.permissions(fs::Permissions::from_mode(0o700));
        }
        Ok(Scratch(b.tempdir().context("无法创建临时文件夹")?))
    }

    /// Where it is.
    pub fn path(&self) -> &Path {
        self.0.path()
    }
}

impl Out for Scratch {
    fn put(&self, rel: &str, bytes: &[u8]) -> Result<()> {
        write_inside(self.path(), rel, bytes, None)
    }
}

/// A folder of finished files (zips from `pack`, PDFs from `print`), each
/// written atomically with [`write_atomically`]; other files in it stay.
pub struct Folder<'a>(pub &'a Path);

impl Out for Folder<'_> {
    fn put(&self, rel: &str, bytes: &[u8]) -> Result<()> {
        let (dir, name) = match rel.rsplit_once('/') {
            Some((d, n)) => (self.0.join(d), n),
            None => (self.0.to_path_buf(), rel),
        };
        write_atomically(&dir, name, bytes)
    }
}

/// Writes a file next to its final name and renames it into place, so a
/// reader never sees half a zip or PDF.
pub fn write_atomically(dir: &Path, name: &str, bytes: &[u8]) -> Result<()> {
    fs::create_dir_all(dir).with_context(|| format!("无法创建文件夹 {}", dir.display()))?;
    let tmp = dir.join(format!(".{name}.tmp"));
    fs::write(&tmp, bytes).with_context(|| format!("无法写入 {}", tmp.display()))?;
    fs::rename(&tmp, dir.join(name))
        .with_context(|| format!("无法写入 {}", dir.join(name).display()))
}

/// Creates a new file (a skeleton from `init` or `new`) with its folders.
pub fn create(path: &Path, bytes: &[u8]) -> Result<()> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)
            .with_context(|| format!("无法创建文件夹 {}", parent.display()))?;
    }
    fs::write(path, bytes).with_context(|| format!("无法写入 {}", path.display()))
}

/// Creates a new file that only its owner may read (a secret key), never
/// replacing one that exists.
pub fn create_private(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)
            .with_context(|| format!("无法创建文件夹 {}", parent.display()))?;
    }
    let mut o = fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
    let mut f = o
        .open(path)
        .with_context(|| format!("无法写入 {}", path.display()))?;
    f.write_all(bytes)
        .with_context(|| format!("无法写入 {}", path.display()))
}

fn absolute(p: &Path) -> Result<PathBuf> {
    let abs = std::path::absolute(p).with_context(|| format!("无效的路径 {}", p.display()))?;
    // Resolve symlinks where the path exists, so comparisons are honest.
    Ok(fs::canonicalize(&abs).unwrap_or(abs))
}

/// Minifies a page (HTML and inline CSS; scripts are left alone because
/// minifying them has broken pages in other generators).
#[cfg(feature = "minify")]
pub fn minify(html: &str) -> Vec<u8> {
    let mut cfg = minify_html::Cfg::new();
    cfg.minify_css = true;
    cfg.minify_js = false;
    cfg.keep_html_and_head_opening_tags = true;
    cfg.keep_closing_tags = true;
    minify_html::minify(html.as_bytes(), &cfg)
}

/// Without the `minify` feature pages are written as rendered.
#[cfg(not(feature = "minify"))]
pub fn minify(html: &str) -> Vec<u8> {
    html.as_bytes().to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_to_replace_a_foreign_folder() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("docs");
        fs::create_dir_all(&out).unwrap();
        fs::write(out.join("thesis.docx"), b"x").unwrap();
        let project = tmp.path().join("p");
        fs::create_dir_all(&project).unwrap();
        let err = Staging::begin(&out, &project).err().unwrap();
        assert!(format!("{err:#}").contains("不是 xinyu 生成的"));
        assert!(out.join("thesis.docx").exists());
    }

    #[test]
    fn refuses_to_replace_the_project() {
        let tmp = tempfile::tempdir().unwrap();
        let err = Staging::begin(tmp.path(), &tmp.path().join("proj"))
            .err()
            .unwrap();
        assert!(format!("{err:#}").contains("包含项目本身"));
    }

    #[test]
    fn nothing_is_written_outside_the_staging_folder() {
        let tmp = tempfile::tempdir().unwrap();
        let s = Staging::begin(&tmp.path().join("site"), &tmp.path().join("p")).unwrap();
        for bad in ["../x", "/etc/x", "a/../../x", "C:/x", ""] {
            assert!(s.write(bad, b"x").is_err(), "{bad}");
        }
        assert!(!tmp.path().join("x").exists());
    }

    #[test]
    fn a_half_swapped_output_is_restored() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("site");
        let old = sibling(&out, "xinyu-old");
        fs::create_dir_all(&old).unwrap();
        fs::write(old.join("index.html"), b"previous").unwrap();
        let s = Staging::begin(&out, &tmp.path().join("p")).unwrap();
        assert_eq!(fs::read(out.join("index.html")).unwrap(), b"previous");
        drop(s);
    }

    #[test]
    fn commit_swaps_and_drop_cleans_up() {
        let tmp = tempfile::tempdir().unwrap();
        let project = tmp.path().join("p");
        let out = tmp.path().join("site");
        let s = Staging::begin(&out, &project).unwrap();
        s.write("index.html", b"one").unwrap();
        s.commit().unwrap();
        assert_eq!(fs::read(out.join("index.html")).unwrap(), b"one");
        let s = Staging::begin(&out, &project).unwrap();
        s.write("index.html", b"two").unwrap();
        drop(s);
        assert_eq!(fs::read(out.join("index.html")).unwrap(), b"one");
        assert!(!sibling(&out, "xinyu-tmp").exists());
        // A rebuild over a site with folders of files: the previous copy,
        // deleted folder by folder in parallel, is gone.
        let s = Staging::begin(&out, &project).unwrap();
        for i in 0..200 {
            s.write(&format!("lessons/b{}/{i}.html", i % 5), b"x")
                .unwrap();
        }
        s.commit().unwrap();
        let s = Staging::begin(&out, &project).unwrap();
        s.write("index.html", b"three").unwrap();
        s.commit().unwrap();
        assert_eq!(fs::read(out.join("index.html")).unwrap(), b"three");
        assert!(!out.join("lessons").exists());
        assert!(!sibling(&out, "xinyu-old").exists());
    }
}
