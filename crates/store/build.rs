//! `sqlx::migrate!` embeds the migration files at compile time; cargo does not know they are
//! inputs. Without this, a new migration file is missed until something else changes.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
