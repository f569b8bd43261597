//! Writes `$OUT_DIR/programs.rs`: `AUTODIFF_GEN_COUNT` (default 300) random `#[differentiable]`
//! functions from seed `AUTODIFF_GEN_SEED` (default 20261130), and their table of cases.

#[path = "generator.rs"]
mod generator;

fn main() {
    println!("cargo::rerun-if-changed=generator.rs");
    println!("cargo::rerun-if-env-changed=AUTODIFF_GEN_SEED");
    println!("cargo::rerun-if-env-changed=AUTODIFF_GEN_COUNT");
    let seed = std::env::var("AUTODIFF_GEN_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(generator::DEFAULT_SEED);
    let count = std::env::var("AUTODIFF_GEN_COUNT")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(generator::DEFAULT_COUNT);
    let src = generator::program(seed, count);
    let out = std::path::PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR"));
    std::fs::write(out.join("programs.rs"), src).expect("write programs.rs");
}
