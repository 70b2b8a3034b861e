//! Pictures for the site and packs: which files are pictures, and a big
//! JPEG or PNG scaled down (the `image` crate: pure Rust decoders and
//! encoders, so the same photo gives the same bytes on every machine) when
//! the project asks for it with `[images] shrink = true`.
//!
//! Must not: write files, or change the project's own picture.

use crate::model::Images;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// The long edge a scaled-down picture fits: sharp on a classroom
/// projector (1920 × 1080) and on a printed A4 page at half width.
pub const LONG_EDGE: u32 = 1600;

/// Extensions of pictures a page shows.
pub fn is_picture(ext: &str) -> bool {
    matches!(
        ext,
        "png" | "jpg" | "jpeg" | "gif" | "webp" | "bmp" | "tif" | "tiff"
    )
}

/// Pictures xinyu can scale down.
pub fn can_shrink(ext: &str) -> bool {
    matches!(ext, "png" | "jpg" | "jpeg")
}

/// The bytes of a project file as the site and packs carry it: the file
/// itself, or for a JPEG or PNG over the limit when `shrink` is on, a
/// scaled-down copy (if that is smaller). Scaled copies are kept for the
/// process, keyed by the file's size and time, so the packs of a build
/// scale each picture once.
pub fn asset_bytes(root: &Path, rel: &str, images: Images) -> std::io::Result<Vec<u8>> {
    let path = root.join(rel);
    let ext = rel
        .rsplit_once('.')
        .map_or(String::new(), |(_, e)| e.to_ascii_lowercase());
    if !images.shrink || !can_shrink(&ext) {
        return std::fs::read(&path);
    }
    // Size and time first: a photo already scaled is not read again (a
    // picture in every pack of a term was read once per pack).
    let meta = std::fs::metadata(&path)?;
    if meta.len() <= images.max_kb * 1024 {
        return std::fs::read(&path);
    }
    type Key = (PathBuf, u64, Option<std::time::SystemTime>);
    static DONE: Mutex<Option<HashMap<Key, Arc<Vec<u8>>>>> = Mutex::new(None);
    let key = (path.clone(), meta.len(), meta.modified().ok());
    if let Some(hit) = DONE
        .lock()
        .ok()
        .and_then(|m| m.as_ref().and_then(|m| m.get(&key).cloned()))
    {
        return Ok(hit.to_vec());
    }
    let bytes = std::fs::read(&path)?;
    // Changed while it was read: scaled, but not kept under the old key.
    let same = bytes.len() as u64 == meta.len();
    if bytes.len() as u64 <= images.max_kb * 1024 {
        return Ok(bytes);
    }
    let out = shrink(&bytes, &ext).unwrap_or(bytes);
    if same && let Ok(mut m) = DONE.lock() {
        m.get_or_insert_with(HashMap::new)
            .insert(key, Arc::new(out.clone()));
    }
    Ok(out)
}

/// A JPEG or PNG scaled to fit [`LONG_EDGE`] (turned upright first, as a
/// phone's photo says it should be shown) and encoded again: JPEG at
/// quality 82, PNG as PNG. `None` when it cannot be read or the copy
/// would not be smaller.
pub fn shrink(bytes: &[u8], ext: &str) -> Option<Vec<u8>> {
    use image::{DynamicImage, ImageDecoder, ImageReader, imageops::FilterType};
    use std::io::Cursor;
    let mut decoder = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .ok()?
        .into_decoder()
        .ok()?;
    let orientation = decoder.orientation().ok();
    let mut img = DynamicImage::from_decoder(decoder).ok()?;
    if let Some(o) = orientation {
        img.apply_orientation(o);
    }
    if img.width().max(img.height()) > LONG_EDGE {
        img = img.resize(LONG_EDGE, LONG_EDGE, FilterType::Triangle);
    }
    let mut out = Vec::new();
    if ext == "png" {
        img.write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
            .ok()?;
    } else {
        let rgb = DynamicImage::ImageRgb8(img.to_rgb8());
        let enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 82);
        rgb.write_with_encoder(enc).ok()?;
    }
    (out.len() < bytes.len()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn photo(w: u32, h: u32) -> Vec<u8> {
        // A noisy gradient: compresses like a photo, not like a flat fill.
        let img = image::RgbImage::from_fn(w, h, |x, y| {
            let n = (x.wrapping_mul(2654435761) ^ y.wrapping_mul(40503)) % 64;
            image::Rgb([(x % 256) as u8, (y % 256) as u8, (n * 4) as u8])
        });
        let mut out = Vec::new();
        image::DynamicImage::ImageRgb8(img)
            .write_with_encoder(image::codecs::jpeg::JpegEncoder::new_with_quality(
                &mut out, 98,
            ))
            .unwrap();
        out
    }

    #[test]
    fn a_big_photo_fits_the_long_edge_and_comes_out_the_same_twice() {
        let big = photo(3000, 2000);
        let small = shrink(&big, "jpg").expect("smaller");
        assert!(
            small.len() < big.len() / 2,
            "{} → {}",
            big.len(),
            small.len()
        );
        let img = image::load_from_memory(&small).unwrap();
        assert_eq!((img.width(), img.height()), (1600, 1067));
        assert_eq!(shrink(&big, "jpg").unwrap(), small, "same bytes each time");
        // Not a picture: left alone.
        assert_eq!(shrink(b"not a picture", "jpg"), None);
    }
}
