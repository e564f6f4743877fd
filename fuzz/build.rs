//! The store names the build that writes a recording (`LAMBDATOP_BUILD`, set by lambdatop's
//! own build.rs from git): the fuzz build has its own name.
fn main() {
    println!("cargo:rustc-env=LAMBDATOP_BUILD=fuzz");
}
