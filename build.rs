//! Embeds the built-in bank (`scenarios/*.yaml`, `questions/*.yaml`) in the binary.
use std::fs;
use std::path::Path;

fn list(dir: &str) -> Vec<String> {
    let mut out = Vec::new();
    if let Ok(rd) = fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.extension().is_some_and(|x| x == "yaml") {
                if let Some(n) = p.file_name().and_then(|n| n.to_str()) {
                    out.push(n.to_string());
                }
            }
        }
    }
    out.sort();
    out
}

fn main() {
    println!("cargo:rerun-if-changed=scenarios");
    println!("cargo:rerun-if-changed=questions");
    let root = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let mut code = String::new();
    for (konst, dir) in [("SCENARIOS", "scenarios"), ("QUESTIONS", "questions")] {
        code.push_str(&format!("pub const {konst}: &[(&str, &str)] = &[\n"));
        for name in list(&format!("{root}/{dir}")) {
            let path = Path::new(&root).join(dir).join(&name);
            code.push_str(&format!(
                "    ({:?}, include_str!({:?})),\n",
                format!("{dir}/{name}"),
                path.display().to_string()
            ));
        }
        code.push_str("];\n");
    }
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    fs::write(Path::new(&out).join("bank.rs"), code).expect("OUT_DIR is writable");
}
