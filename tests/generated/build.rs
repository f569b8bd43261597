//! Writes `$OUT_DIR/programs.rs`: `AUTODIFF_GEN_COUNT` (default 300) random `#[differentiable]`
//! functions from seed `AUTODIFF_GEN_SEED` (default 20261130), and their table of cases; and
//! `$OUT_DIR/slice_programs.rs`: `AUTODIFF_SLICE_GEN_COUNT` random functions over slices from seed
//! `AUTODIFF_SLICE_GEN_SEED` (defaults in `slice_generator.rs`), leaving out the functions listed
//! in `AUTODIFF_SLICE_GEN_SKIP` (`3,17`: for runs where some do not compile).

#[path = "generator.rs"]
mod generator;
#[path = "slice_generator.rs"]
mod slice_generator;

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    println!("cargo::rerun-if-env-changed={name}");
    std::env::var(name)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

fn main() {
    println!("cargo::rerun-if-changed=generator.rs");
    println!("cargo::rerun-if-changed=slice_generator.rs");
    println!("cargo::rerun-if-changed=slice_snippets.rs");
    let out = std::path::PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR"));
    let seed = env_or("AUTODIFF_GEN_SEED", generator::DEFAULT_SEED);
    let count = env_or("AUTODIFF_GEN_COUNT", generator::DEFAULT_COUNT);
    let src = generator::program(seed, count);
    std::fs::write(out.join("programs.rs"), src).expect("write programs.rs");
    let seed = env_or("AUTODIFF_SLICE_GEN_SEED", slice_generator::DEFAULT_SEED);
    let count = env_or("AUTODIFF_SLICE_GEN_COUNT", slice_generator::DEFAULT_COUNT);
    let skip: Vec<usize> = env_or("AUTODIFF_SLICE_GEN_SKIP", String::new())
        .split(',')
        .filter_map(|k| k.trim().parse().ok())
        .collect();
    let src = slice_generator::program(seed, count, &skip);
    std::fs::write(out.join("slice_programs.rs"), src).expect("write slice_programs.rs");
}
