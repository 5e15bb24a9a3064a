//! Evidence files on disk: `<dir>/<first two hex digits>/<address>`, each written whole or
//! not at all.
//!
//! A file is written to a temporary name beside its final one, flushed to disk, renamed into
//! place and the folder flushed too, so that after a crash the address names either nothing
//! or the whole sealed file, never a part of one. Files and folders are the owner's only
//! (modes 0600 and 0700 on Unix). The two-digit folders keep any one folder small.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Where the file with `address` lives under `dir`. `None` unless the address is what
/// [`vault::Keyring::content_address`] makes (lowercase hex of the right length): an address
/// read from the database must not be able to point anywhere else.
pub fn path(dir: &Path, address: &str) -> Option<PathBuf> {
    let well_formed =
        address.len() == vault::CONTENT_ADDRESS_LEN && address.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    well_formed.then(|| dir.join(&address[..2]).join(address))
}

/// The bytes of the file at `path`, or `None` if there is none.
pub fn read(path: &Path) -> io::Result<Option<Vec<u8>>> {
    match fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(error),
    }
}

/// Removes the file at `path`; one already gone is not an error.
pub fn remove(path: &Path) -> io::Result<()> {
    match fs::remove_file(path) {
        Err(error) if error.kind() != io::ErrorKind::NotFound => Err(error),
        _ => Ok(()),
    }
}

/// Writes `bytes` to `path` atomically and durably (see the module docs), creating its folder.
pub fn write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let folder = path.parent().expect("a blob path has a folder");
    create_folder(folder)?;
    let name = path.file_name().and_then(|n| n.to_str()).expect("a blob path ends in its address");
    let temporary = folder.join(format!(".{name}.{}.tmp", uuid::Uuid::now_v7().simple()));
    let written = write_new(&temporary, bytes).and_then(|()| fs::rename(&temporary, path));
    if written.is_err() {
        let _ = fs::remove_file(&temporary);
    }
    written?;
    sync_folder(folder)
}

fn write_new(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = private_options().open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Creates `folder` (and the evidence folder above it) if missing, and flushes the folder that
/// holds a new one, so the new folder's entry survives a crash too.
fn create_folder(folder: &Path) -> io::Result<()> {
    if folder.is_dir() {
        return Ok(());
    }
    private_folder().create(folder)?;
    match folder.parent() {
        Some(parent) => sync_folder(parent),
        None => Ok(()),
    }
}

#[cfg(unix)]
fn private_options() -> OpenOptions {
    use std::os::unix::fs::OpenOptionsExt;
    let mut options = OpenOptions::new();
    options.write(true).create_new(true).mode(0o600);
    options
}

#[cfg(not(unix))]
fn private_options() -> OpenOptions {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    options
}

#[cfg(unix)]
fn private_folder() -> fs::DirBuilder {
    use std::os::unix::fs::DirBuilderExt;
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true).mode(0o700);
    builder
}

#[cfg(not(unix))]
fn private_folder() -> fs::DirBuilder {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    builder
}

/// Flushes a folder's entries (a rename is durable only once its folder is).
#[cfg(unix)]
fn sync_folder(folder: &Path) -> io::Result<()> {
    File::open(folder)?.sync_all()
}

/// Windows cannot open a folder to flush it; NTFS journals renames.
#[cfg(not(unix))]
fn sync_folder(_folder: &Path) -> io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temporary_dir() -> PathBuf {
        std::env::temp_dir().join(format!("qorgau-blob-{}", uuid::Uuid::now_v7().simple()))
    }

    #[test]
    fn only_well_formed_addresses_have_a_path() {
        let dir = Path::new("/evidence");
        let address = "ab".repeat(32);
        assert_eq!(path(dir, &address), Some(dir.join("ab").join(&address)));
        for bad in ["", "ab", &"AB".repeat(32), &format!("../{}", "a".repeat(61)), &"a".repeat(65), &"g".repeat(64)] {
            assert_eq!(path(dir, bad), None, "{bad}");
        }
    }

    #[test]
    fn writes_replace_whole_files_and_leave_no_temporary() {
        let dir = temporary_dir();
        let target = path(&dir, &"0f".repeat(32)).unwrap();
        assert_eq!(read(&target).unwrap(), None);
        write(&target, b"first").unwrap();
        write(&target, b"second").unwrap();
        assert_eq!(read(&target).unwrap().as_deref(), Some(&b"second"[..]));
        let names: Vec<_> = fs::read_dir(target.parent().unwrap()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, [target.file_name().unwrap()]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(fs::metadata(&target).unwrap().permissions().mode() & 0o777, 0o600);
            assert_eq!(fs::metadata(target.parent().unwrap()).unwrap().permissions().mode() & 0o777, 0o700);
        }
        fs::remove_dir_all(dir).unwrap();
    }
}
