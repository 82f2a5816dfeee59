//! House rules of this crate's layout, checked as tests: no module imports
//! another in a circle, and the core never imports the UI.
//!
//! Imports are read from the sources (`use crate::…` trees and inline
//! `crate::…` paths, outside `#[cfg(test)]` modules), each resolved to the
//! deepest module file it names.

use std::{
    collections::{BTreeMap, BTreeSet},
    fs,
    path::Path,
};

/// Module path (`core::payments`, `` for the root) → the modules it imports.
type Graph = BTreeMap<String, BTreeSet<String>>;

#[test]
fn no_module_imports_in_a_circle() {
    let graph = import_graph();
    let cycles = cycles(&graph);
    assert!(
        cycles.is_empty(),
        "modules importing each other in a circle: {cycles:#?}"
    );
}

#[test]
fn the_core_never_imports_the_ui() {
    let graph = import_graph();
    let wrong: Vec<_> = graph
        .iter()
        .filter(|(module, _)| module.starts_with("core"))
        .flat_map(|(module, imports)| {
            imports
                .iter()
                .filter(|it| it.starts_with("ui"))
                .map(move |it| format!("{module} -> {it}"))
        })
        .collect();
    assert_eq!(wrong, Vec::<String>::new());
}

#[test]
fn the_reader_sees_nested_use_trees() {
    let paths = use_paths("use crate::{a::{b, c::D}, e as f};\nlet x = crate::g::h(1);");
    assert_eq!(
        paths,
        [
            vec!["a", "b"],
            vec!["a", "c", "D"],
            vec!["e"],
            vec!["g", "h"]
        ]
    );
}

fn import_graph() -> Graph {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    collect_rs(&root, &root, &mut files);
    let modules: BTreeSet<String> = files.iter().map(|(module, _)| module.clone()).collect();
    let mut graph = Graph::new();
    for (module, text) in &files {
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        let imports = use_paths(code)
            .into_iter()
            .filter_map(|path| {
                (1..=path.len())
                    .rev()
                    .map(|n| path[..n].join("::"))
                    .find(|it| modules.contains(it))
            })
            .filter(|it| it != module)
            .collect();
        graph.insert(module.clone(), imports);
    }
    graph
}

fn collect_rs(root: &Path, dir: &Path, out: &mut Vec<(String, String)>) {
    let mut entries: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|it| it.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect_rs(root, &path, out);
        } else if path.extension().is_some_and(|it| it == "rs") {
            let relative = path.strip_prefix(root).unwrap().with_extension("");
            let module = relative
                .components()
                .map(|it| it.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("::");
            let module = if module == "lib" {
                String::new()
            } else {
                module
            };
            out.push((module, fs::read_to_string(&path).unwrap()));
        }
    }
}

/// Every `crate::` path in `code`, `use` trees expanded, comments skipped.
fn use_paths(code: &str) -> Vec<Vec<String>> {
    let code: String = code
        .lines()
        .map(|line| line.split("//").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n");
    let mut res = Vec::new();
    let mut rest = code.as_str();
    while let Some(idx) = rest.find("crate::") {
        let is_use = rest[..idx].trim_end().ends_with("use");
        rest = &rest[idx + "crate::".len()..];
        if is_use {
            let end = rest.find(';').unwrap_or(rest.len());
            expand(&rest[..end], &[], &mut res);
            rest = &rest[end..];
        } else {
            let end = rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                .unwrap_or(rest.len());
            let path: Vec<String> = rest[..end]
                .split("::")
                .filter(|it| !it.is_empty())
                .map(str::to_owned)
                .collect();
            res.push(path);
            rest = &rest[end..];
        }
    }
    res
}

fn expand(tree: &str, prefix: &[String], out: &mut Vec<Vec<String>>) {
    let tree = tree.trim();
    if let Some(inner) = tree.strip_prefix('{').and_then(|it| it.strip_suffix('}')) {
        let mut depth = 0;
        let mut start = 0;
        for (idx, c) in inner.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    expand(&inner[start..idx], prefix, out);
                    start = idx + 1;
                }
                _ => (),
            }
        }
        if !inner[start..].trim().is_empty() {
            expand(&inner[start..], prefix, out);
        }
        return;
    }
    if let Some(idx) = tree.find("::{") {
        let mut prefix = prefix.to_vec();
        prefix.extend(tree[..idx].split("::").map(|it| it.trim().to_owned()));
        return expand(&tree[idx + 2..], &prefix, out);
    }
    let name = tree.split(" as ").next().unwrap_or_default();
    let mut path = prefix.to_vec();
    path.extend(
        name.split("::")
            .map(str::trim)
            .filter(|it| !it.is_empty() && *it != "self")
            .map(str::to_owned),
    );
    out.push(path);
}

/// The strongly connected components of more than one module (Tarjan).
fn cycles(graph: &Graph) -> Vec<Vec<String>> {
    struct Walk<'a> {
        graph: &'a Graph,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        next: usize,
        res: Vec<Vec<String>>,
    }
    fn visit<'a>(walk: &mut Walk<'a>, node: &'a str) {
        walk.index.insert(node, walk.next);
        walk.low.insert(node, walk.next);
        walk.next += 1;
        walk.stack.push(node);
        let graph = walk.graph;
        for next in graph.get(node).into_iter().flatten() {
            let next = next.as_str();
            if !walk.index.contains_key(next) {
                visit(walk, next);
                let low = walk.low[node].min(walk.low[next]);
                walk.low.insert(node, low);
            } else if walk.stack.contains(&next) {
                let low = walk.low[node].min(walk.index[next]);
                walk.low.insert(node, low);
            }
        }
        if walk.low[node] == walk.index[node] {
            let mut component = Vec::new();
            while let Some(top) = walk.stack.pop() {
                component.push(top.to_owned());
                if top == node {
                    break;
                }
            }
            if component.len() > 1 {
                walk.res.push(component);
            }
        }
    }
    let mut walk = Walk {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        next: 0,
        res: Vec::new(),
    };
    for node in graph.keys() {
        if !walk.index.contains_key(node.as_str()) {
            visit(&mut walk, node);
        }
    }
    walk.res
}
