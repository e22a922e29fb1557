//! Variables and locals → the [`Scope`] prompts are evaluated in.

use std::collections::{BTreeMap, BTreeSet};

use hcl::Value;
use hcl_edit::Span;
use hcl_edit::structure::{Attribute, Structure};

use super::{Decoder, Schema};
use crate::config::eval::{Scope, references};
use crate::config::files::Parsed;
use crate::config::variables::{VarType, split_assignment};
use crate::config::{Located, VarInputs};
use crate::diagnostic::{Code, Diagnostic};
use crate::kind::is_label as is_identifier;
use crate::suggest::did_you_mean;

/// How long a chain of local values, each referring to the next, may be. Evaluating
/// a local first descends the chain below it, and a chain of thousands would
/// overflow the stack; no real configuration comes near.
const MAX_LOCAL_CHAIN: usize = 256;

/// Where the evaluation of the locals stands.
#[derive(Default)]
struct Walk {
    done: BTreeSet<String>,
    /// The locals being evaluated, each waiting for the next.
    path: Vec<String>,
    reported_too_deep: bool,
}

const VARIABLE: Schema = Schema {
    what: "a `variable` block",
    attrs: &["type", "default", "description", "sensitive"],
    blocks: &[],
};

struct Declared {
    ty: VarType,
    default: Option<Value>,
    /// A `default` is written, but its value could not be used (and was reported).
    bad_default: bool,
    sensitive: bool,
    label: Located,
}

/// Where a variable's value came from, for messages.
enum Source {
    Env,
    File(Located),
    Cli,
}

impl Decoder<'_> {
    /// Builds the scope: every declared variable with its value, then every local.
    pub(in crate::config) fn scope(
        &mut self,
        parsed: &[Parsed],
        value_files: &[Parsed],
        inputs: &VarInputs,
    ) -> Scope {
        let declared = self.declarations(parsed);
        let mut given: BTreeMap<String, (Value, Source)> = BTreeMap::new();
        for (name, raw) in &inputs.env {
            if let Some(var) = declared.get(name) {
                match var.ty.parse_text(raw) {
                    Ok(v) => {
                        given.insert(name.clone(), (v, Source::Env));
                    }
                    Err(e) => self.input_error(name, &format!("ASSISTFORM_VAR_{name}"), &e),
                }
            }
        }
        for file in value_files {
            self.value_file(file, &declared, &mut given);
        }
        for arg in &inputs.vars {
            let Some((name, raw)) = split_assignment(arg) else {
                self.diagnostics.push(
                    Diagnostic::error(
                        Code::VarArgument,
                        format!("invalid `--var` argument `{arg}`"),
                    )
                    .detail("Write it as `--var NAME=VALUE`."),
                );
                continue;
            };
            let Some(var) = declared.get(name) else {
                let detail = match suggestion(name, &declared) {
                    Some(s) => format!("Did you mean `{s}`?"),
                    None => format!(
                        "Declare it with `variable \"{name}\" {{}}`, or remove the argument."
                    ),
                };
                self.diagnostics.push(
                    Diagnostic::error(
                        Code::VarUndeclared,
                        format!("`--var` sets undeclared variable `{name}`"),
                    )
                    .detail(detail),
                );
                continue;
            };
            match var.ty.parse_text(raw) {
                Ok(v) => {
                    given.insert(name.to_owned(), (v, Source::Cli));
                }
                Err(e) => self.input_error(name, "--var", &e),
            }
        }
        let mut scope = Scope::default();
        for (name, var) in &declared {
            let value = match given.remove(name) {
                Some((value, source)) => match var.ty.convert(value) {
                    Ok(v) => Some(v),
                    Err(e) => {
                        match source {
                            Source::File(at) => self.report(
                                Diagnostic::error(
                                    Code::VarType,
                                    format!("invalid value for variable `{name}`"),
                                )
                                .detail(e),
                                &at,
                                None,
                            ),
                            Source::Env => {
                                self.input_error(name, &format!("ASSISTFORM_VAR_{name}"), &e)
                            }
                            Source::Cli => self.input_error(name, "--var", &e),
                        }
                        None
                    }
                },
                None if var.default.is_some() => var.default.clone(),
                // The default's own error was reported; "no value" would contradict it.
                None if var.bad_default => None,
                None => {
                    self.report(
                        Diagnostic::error(Code::VarMissing, format!("no value for variable `{name}`"))
                            .detail(format!(
                                "The variable has no default. Give it a value with `--var {name}=…`, a `*.auto.vars.hcl` file, `--var-file`, or the environment variable `ASSISTFORM_VAR_{name}`."
                            )),
                        &var.label,
                        None,
                    );
                    None
                }
            };
            scope.set_var(name, value, var.sensitive);
        }
        self.locals(parsed, &mut scope);
        // After the locals: only a resource's own attributes refer to objects,
        // since only a resource can depend on one.
        scope.set_kinds(self.kinds.iter().map(|k| k.kind.name()));
        scope
    }

    fn input_error(&mut self, name: &str, source: &str, problem: &str) {
        self.diagnostics.push(
            Diagnostic::error(
                Code::VarType,
                format!("invalid value for variable `{name}` from {source}"),
            )
            .detail(problem.to_owned()),
        );
    }

    fn declarations(&mut self, parsed: &[Parsed]) -> BTreeMap<String, Declared> {
        let mut declared = BTreeMap::new();
        for p in parsed {
            for block in p.body.blocks().filter(|b| b.ident.as_str() == "variable") {
                let Some((name, label)) = self.label(p.file, block, "variable \"name\" { … }")
                else {
                    continue;
                };
                if !is_identifier(&name) {
                    self.report(
                        Diagnostic::error(Code::SchemaLabel, format!("invalid variable name `{name}`"))
                            .detail("A variable name starts with a letter or `_` and holds letters, digits, `_` and `-`."),
                        &label,
                        None,
                    );
                    continue;
                }
                if declared.contains_key(&name) {
                    self.report(
                        Diagnostic::error(
                            Code::SchemaDuplicateLabel,
                            format!("variable `{name}` is declared twice"),
                        ),
                        &label,
                        None,
                    );
                    continue;
                }
                let fields = self.fields(p.file, &block.body, &VARIABLE, None);
                let empty = Scope::default();
                let ty = match fields.attrs.get("type") {
                    None => VarType::Any,
                    Some(attr) => VarType::parse(&attr.value).unwrap_or_else(|| {
                        self.report(
                            Diagnostic::error(Code::SchemaType, "unsupported variable type")
                                .detail(
                                    "Use `string`, `number`, `bool`, `any`, `list(…)` or `map(…)`.",
                                ),
                            &Self::located(p.file, attr.value.span()),
                            None,
                        );
                        VarType::Any
                    }),
                };
                let sensitive = match fields.attrs.get("sensitive") {
                    Some(attr) => self.bool(&empty, p.file, attr, None).unwrap_or(false),
                    None => false,
                };
                let default = fields.attrs.get("default").and_then(|attr| {
                    let (value, _) = self.value(&empty, p.file, attr, None)?;
                    match ty.convert(value) {
                        Ok(v) => Some(v),
                        Err(e) => {
                            self.report(
                                Diagnostic::error(
                                    Code::VarType,
                                    format!("invalid default for variable `{name}`"),
                                )
                                .detail(e),
                                &Self::located(p.file, attr.value.span()),
                                None,
                            );
                            None
                        }
                    }
                });
                let bad_default = default.is_none() && fields.attrs.contains_key("default");
                declared.insert(
                    name,
                    Declared {
                        ty,
                        default,
                        bad_default,
                        sensitive,
                        label,
                    },
                );
            }
        }
        declared
    }

    fn value_file(
        &mut self,
        file: &Parsed,
        declared: &BTreeMap<String, Declared>,
        given: &mut BTreeMap<String, (Value, Source)>,
    ) {
        let empty = Scope::default();
        for structure in file.body.iter() {
            let attr = match structure {
                Structure::Attribute(a) => a,
                Structure::Block(b) => {
                    self.report(
                        Diagnostic::error(
                            Code::SchemaUnknown,
                            "a variables file holds only `name = value` lines",
                        )
                        .detail(format!(
                            "Move the `{}` block to a configuration file (not `*.vars.hcl`).",
                            b.ident.as_str()
                        )),
                        &Self::located(file.file, b.ident.span()),
                        None,
                    );
                    continue;
                }
            };
            let name = attr.key.as_str();
            let at = Self::located(file.file, attr.key.span());
            if !declared.contains_key(name) {
                self.report(
                    Diagnostic::warning(
                        Code::VarUndeclared,
                        format!("value for undeclared variable `{name}`"),
                    )
                    .detail(format!(
                        "No `variable \"{name}\"` block declares it, so the value is ignored.{}",
                        suggestion(name, declared)
                            .map(|s| format!(" Did you mean `{s}`?"))
                            .unwrap_or_default()
                    )),
                    &at,
                    None,
                );
                continue;
            }
            if let Some((value, _)) = self.value(&empty, file.file, attr, None) {
                given.insert(
                    name.to_owned(),
                    (
                        value,
                        Source::File(Self::located(file.file, attr.value.span())),
                    ),
                );
            }
        }
    }

    /// Evaluates every local in dependency order; a cycle is reported whole.
    fn locals(&mut self, parsed: &[Parsed], scope: &mut Scope) {
        let mut defined: BTreeMap<String, (usize, &Attribute)> = BTreeMap::new();
        for p in parsed {
            for block in p.body.blocks().filter(|b| b.ident.as_str() == "locals") {
                for structure in block.body.iter() {
                    let Structure::Attribute(attr) = structure else {
                        let Structure::Block(b) = structure else {
                            unreachable!()
                        };
                        self.report(
                            Diagnostic::error(
                                Code::SchemaUnknown,
                                "a `locals` block holds only `name = value` lines",
                            ),
                            &Self::located(p.file, b.ident.span()),
                            None,
                        );
                        continue;
                    };
                    let name = attr.key.as_str().to_owned();
                    if defined.contains_key(&name) {
                        self.report(
                            Diagnostic::error(
                                Code::SchemaDuplicateLabel,
                                format!("local value `{name}` is defined twice"),
                            ),
                            &Self::located(p.file, attr.key.span()),
                            None,
                        );
                        continue;
                    }
                    defined.insert(name, (p.file, attr));
                }
            }
        }
        scope.declare_locals(defined.keys().cloned());
        let mut walk = Walk::default();
        for name in defined.keys() {
            self.local(name, &defined, scope, &mut walk);
        }
    }

    fn local(
        &mut self,
        name: &str,
        defined: &BTreeMap<String, (usize, &Attribute)>,
        scope: &mut Scope,
        walk: &mut Walk,
    ) {
        let Walk { done, path, .. } = walk;
        if done.contains(name) {
            return;
        }
        let Some(&(file, attr)) = defined.get(name) else {
            return;
        };
        if path.len() >= MAX_LOCAL_CHAIN {
            // What refers to this local is left unknown, and reported no more.
            scope.set_local(name, None, false);
            done.insert(name.to_owned());
            if !walk.reported_too_deep {
                walk.reported_too_deep = true;
                let (start_file, start) = defined[&walk.path[0]];
                self.report(
                    Diagnostic::error(
                        Code::LocalTooDeep,
                        "local values refer to each other too deeply",
                    )
                    .detail(format!(
                        "`local.{}` depends on a chain of more than {MAX_LOCAL_CHAIN} local values (local.{} → … → local.{name}); a chain may be at most {MAX_LOCAL_CHAIN} long.",
                        walk.path[0], walk.path[0]
                    )),
                    &Self::located(start_file, start.key.span()),
                    None,
                );
            }
            return;
        }
        if let Some(start) = path.iter().position(|p| p == name) {
            let cycle: Vec<String> = path[start..]
                .iter()
                .chain([&name.to_owned()])
                .map(|n| format!("local.{n}"))
                .collect();
            self.report(
                Diagnostic::error(
                    Code::LocalCycle,
                    "local values refer to each other in a cycle",
                )
                .detail(format!("The cycle is {}.", cycle.join(" → "))),
                &Self::located(file, attr.key.span()),
                None,
            );
            for n in &path[start..] {
                scope.set_local(n, None, false);
                done.insert(n.clone());
            }
            return;
        }
        path.push(name.to_owned());
        for r in references(&attr.value) {
            if r.root == "local" {
                self.local(&r.name, defined, scope, walk);
            }
        }
        walk.path.pop();
        if walk.done.insert(name.to_owned()) {
            let evaluated = scope.evaluate(&attr.value, file, self.sources, self.diagnostics);
            let sensitive = evaluated.as_ref().is_some_and(|e| e.sensitive);
            scope.set_local(name, evaluated.map(|e| e.value), sensitive);
        }
    }
}

/// The declared variable `name` is likely a typo of.
fn suggestion<'d>(name: &str, declared: &'d BTreeMap<String, Declared>) -> Option<&'d str> {
    did_you_mean(name, declared.keys().map(String::as_str))
}
