//! Top-level blocks: each resource to its kind, and the `genesys` and `validation`
//! settings, hooks, imports and moves.

use std::collections::BTreeMap;

use hcl_edit::Span;
use hcl_edit::structure::{Attribute, Block};

use super::{Decoder, Fields, Schema};
use crate::config::eval::Scope;
use crate::config::files::Parsed;
use crate::config::{
    Dependency, GenesysSettings, Hook, HookTarget, Import, Located, MAX_HOOK_TIMEOUT_SECONDS,
    Moved, ResourceConfig,
};
use crate::diagnostic::{Code, Diagnostic};
use crate::kind::Address;
use crate::org::OrgSettings;
use crate::pii::PhoneRegions;
use crate::remote::region;
use crate::suggest::did_you_mean;

/// The top-level blocks that are not resources.
const SETTINGS: &[&str] = &[
    "variable",
    "locals",
    "genesys",
    "validation",
    "on_apply",
    "import",
    "moved",
    "backend",
];
const IMPORT: Schema = Schema {
    what: "an `import` block",
    attrs: &["to", "id"],
    blocks: &[],
};
const MOVED: Schema = Schema {
    what: "a `moved` block",
    attrs: &["from", "to"],
    blocks: &[],
};
const ON_APPLY: Schema = Schema {
    what: "an `on_apply` block",
    attrs: &["command", "webhook", "timeout_seconds", "env"],
    blocks: &[],
};

/// What the top-level blocks decode to.
pub(in crate::config) struct Decoded {
    pub resources: Vec<ResourceConfig>,
    pub genesys: GenesysSettings,
    pub validation: OrgSettings,
    pub phone_regions: Option<PhoneRegions>,
    pub hooks: Vec<Hook>,
    pub imports: Vec<Import>,
    pub moves: Vec<Moved>,
    pub backend: Option<crate::backend::Declared>,
}
const GENESYS: Schema = Schema {
    what: "the `genesys` block",
    attrs: &["region", "api_url"],
    blocks: &[],
};
const VALIDATION: Schema = Schema {
    what: "the `validation` block",
    attrs: &["context_variables", "pii_allow", "phone_regions"],
    blocks: &[],
};

impl Decoder<'_> {
    pub(in crate::config) fn decode(&mut self, parsed: &[Parsed], scope: &Scope) -> Decoded {
        let mut resources: Vec<ResourceConfig> = Vec::new();
        let mut hooks: Vec<Hook> = Vec::new();
        let mut imports: Vec<Import> = Vec::new();
        let mut moves: Vec<Moved> = Vec::new();
        let mut labels: BTreeMap<Address, Located> = BTreeMap::new();
        let mut genesys = GenesysSettings::default();
        let mut validation = OrgSettings::default();
        let mut phone_regions = None;
        let mut backend = None;
        let mut seen: BTreeMap<&str, Located> = BTreeMap::new();
        let top_level: Vec<&str> = self
            .kinds
            .iter()
            .map(|k| k.kind.name())
            .chain(SETTINGS.iter().copied())
            .collect();
        let top_level = Schema {
            what: "a configuration file",
            attrs: &[],
            blocks: &top_level,
        };
        for p in parsed {
            let fields = self.fields(p.file, &p.body, &top_level, None);
            let mut blocks: Vec<&Block> = fields.blocks.values().flatten().copied().collect();
            blocks.sort_by_key(|b| b.span().map(|s| s.start));
            for block in blocks {
                let kind = block.ident.as_str();
                let at = Self::located(p.file, block.ident.span());
                if matches!(kind, "genesys" | "validation" | "backend") {
                    if let Some(first) = seen.get(kind) {
                        let first = first.range(self.sources);
                        self.report(
                            Diagnostic::error(
                                Code::SchemaDuplicate,
                                format!("a second `{kind}` block"),
                            )
                            .detail(format!(
                                "The first is at {}:{}; merge them into one.",
                                first.filename, first.start.line
                            )),
                            &at,
                            None,
                        );
                        continue;
                    }
                    seen.insert(
                        match kind {
                            "genesys" => "genesys",
                            "backend" => "backend",
                            _ => "validation",
                        },
                        at,
                    );
                }
                if let Some(decoder) = self.kinds.iter().find(|k| k.kind.name() == kind) {
                    let kind = decoder.kind;
                    scope.in_resource(true);
                    let decoded = (decoder.decode)(self, p.file, block, scope);
                    scope.in_resource(false);
                    let referred = scope.take_references();
                    let Some(mut resource) = decoded else {
                        continue;
                    };
                    for r in referred {
                        if !resource.depends_on.iter().any(|d| d.address == r.target) {
                            resource.depends_on.push(Dependency {
                                address: r.target,
                                location: r.location,
                                reference: true,
                            });
                        }
                    }
                    if let Some(first) = labels.get(&resource.address) {
                        let first = first.range(self.sources);
                        self.report(
                            Diagnostic::error(
                                Code::SchemaDuplicateLabel,
                                format!(
                                    "{} `{}` is declared twice",
                                    kind.name(),
                                    resource.address.label()
                                ),
                            )
                            .detail(format!(
                                "The first declaration is at {}:{}:{}; labels must be unique.",
                                first.filename, first.start.line, first.start.column
                            )),
                            &resource.location,
                            Some(&resource.address.to_string()),
                        );
                    } else {
                        labels.insert(resource.address.clone(), resource.location.clone());
                        resources.push(resource);
                    }
                    continue;
                }
                match kind {
                    "genesys" => genesys = self.genesys(p.file, block, scope),
                    "validation" => {
                        (validation, phone_regions) = self.validation(p.file, block, scope);
                    }
                    "on_apply" => hooks.extend(self.hook(p.file, block, scope)),
                    "import" => imports.extend(self.import(p.file, block, scope)),
                    "moved" => moves.extend(self.moved(p.file, block)),
                    "backend" => backend = self.backend(p.file, block, scope),
                    _ => {} // variables and locals were read into the scope
                }
            }
        }
        Decoded {
            resources,
            genesys,
            validation,
            phone_regions,
            hooks,
            imports,
            moves,
            backend,
        }
    }

    fn import(&mut self, file: usize, block: &Block, scope: &Scope) -> Option<Import> {
        let fields = self.fields(file, &block.body, &IMPORT, None);
        let location = Self::located(file, block.ident.span());
        let to = self.address_attr(file, &fields, "to", &location, "import")?;
        let Some(attr) = fields.attrs.get("id") else {
            self.report(
                Diagnostic::error(Code::SchemaRequired, "missing required attribute `id`")
                    .detail("Write the id of the object in Genesys: `id = \"assist-prompt-001\"`."),
                &location,
                None,
            );
            return None;
        };
        let (id, _) = self.string(scope, file, attr, None)?;
        let target = Self::located(file, fields.attrs.get("to").and_then(|a| a.value.span()));
        Some(Import {
            to,
            id,
            location: Self::located(file, attr.value.span()),
            target,
        })
    }

    fn moved(&mut self, file: usize, block: &Block) -> Option<Moved> {
        let fields = self.fields(file, &block.body, &MOVED, None);
        let location = Self::located(file, block.ident.span());
        let from = self.address_attr(file, &fields, "from", &location, "moved");
        let to = self.address_attr(file, &fields, "to", &location, "moved");
        Some(Moved {
            from: from?,
            to: to?,
            location,
        })
    }

    /// The address written as attribute `key`, unquoted.
    fn address_attr(
        &mut self,
        file: usize,
        fields: &Fields,
        key: &str,
        block: &Located,
        kind: &str,
    ) -> Option<Address> {
        let Some(attr) = fields.attrs.get(key) else {
            self.report(
                Diagnostic::error(
                    Code::SchemaRequired,
                    format!("missing required attribute `{key}`"),
                )
                .detail(format!(
                    "Write the address: `{key} = {}`.",
                    self.address_form()
                )),
                block,
                None,
            );
            return None;
        };
        let found = self.address(&attr.value);
        if found.is_none() {
            self.report(
                Diagnostic::error(
                    Code::SchemaType,
                    format!("`{key}` in a `{kind}` block must be an address"),
                )
                .detail(format!(
                    "Write it as `{key} = {}`, without quotes.",
                    self.address_form()
                )),
                &Self::located(file, attr.value.span()),
                None,
            );
        }
        found
    }

    fn hook(&mut self, file: usize, block: &Block, scope: &Scope) -> Option<Hook> {
        let (name, at) = self.label(
            file,
            block,
            "on_apply \"name\" { command = [\"./notify.sh\"] }",
        )?;
        let fields = self.fields(file, &block.body, &ON_APPLY, None);
        let timeout_seconds = match fields.attrs.get("timeout_seconds") {
            Some(attr) => {
                let (seconds, _) = self.whole_number(scope, file, attr, None)?;
                if !(1..=MAX_HOOK_TIMEOUT_SECONDS).contains(&seconds) {
                    self.report(
                        Diagnostic::error(Code::HookTimeout, "`timeout_seconds` out of range")
                            .detail(format!(
                                "A hook's timeout is from 1 to {MAX_HOOK_TIMEOUT_SECONDS} seconds; {seconds} is not."
                            )),
                        &Self::located(file, attr.value.span()),
                        None,
                    );
                    return None;
                }
                seconds
            }
            None => 10,
        };
        let command = fields
            .attrs
            .get("command")
            .and_then(|a| self.strings(scope, file, a, None));
        let webhook = fields
            .attrs
            .get("webhook")
            .and_then(|a| self.string(scope, file, a, None));
        let target = match (command, webhook) {
            (Some((argv, _)), None) if !argv.is_empty() => HookTarget::Command(argv),
            (None, Some((url, _))) => match region::parse_base_url(&url) {
                Ok(_) => HookTarget::Webhook(url),
                Err(problem) => {
                    let attr = fields.attrs["webhook"];
                    self.report(
                        Diagnostic::error(Code::HookWebhook, "invalid `webhook` URL")
                            .detail(problem),
                        &Self::located(file, attr.value.span()),
                        None,
                    );
                    return None;
                }
            },
            _ => {
                self.report(
                    Diagnostic::error(Code::HookTarget, "an `on_apply` block needs exactly one of `command` or `webhook`")
                        .detail("Write `command = [\"program\", \"arg\"]` (the event JSON on its standard input) or `webhook = \"https://…\"` (the event JSON POSTed)."),
                    &at,
                    None,
                );
                return None;
            }
        };
        let env = match fields.attrs.get("env") {
            Some(attr) => self.hook_env(scope, file, attr)?,
            None => Vec::new(),
        };
        Some(Hook {
            name,
            target,
            timeout_seconds,
            env,
        })
    }

    /// The names an `on_apply` block passes to its command: variable names, none of
    /// them a credential.
    fn hook_env(&mut self, scope: &Scope, file: usize, attr: &Attribute) -> Option<Vec<String>> {
        let (names, _) = self.strings(scope, file, attr, None)?;
        let valid = |n: &str| {
            !n.is_empty()
                && !n.starts_with(|c: char| c.is_ascii_digit())
                && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        };
        let at = Self::located(file, attr.value.span());
        let mut ok = true;
        for name in &names {
            if !valid(name) {
                self.report(
                    Diagnostic::error(
                        Code::HookEnv,
                        format!("`{name}` is not an environment variable name"),
                    )
                    .detail("Names are letters, digits and `_`, not starting with a digit."),
                    &at,
                    None,
                );
                ok = false;
            } else if crate::config::is_credential(name) {
                self.report(
                    Diagnostic::error(Code::HookEnvSecret, format!("`{name}` may hold a credential and is never passed to a hook"))
                        .detail("Hooks run other people's programs; assistform keeps its credentials, keys and passwords, and anything named like a secret, out of their environment. Give the hook its own credential (a file it reads, say) instead."),
                    &at,
                    None,
                );
                ok = false;
            }
        }
        ok.then_some(names)
    }

    fn genesys(&mut self, file: usize, block: &Block, scope: &Scope) -> GenesysSettings {
        let fields = self.fields(file, &block.body, &GENESYS, None);
        let mut settings = GenesysSettings::default();
        if let Some(attr) = fields.attrs.get("region")
            && let Some((region, _)) = self.string(scope, file, attr, None)
        {
            if region::domain(&region).is_none() {
                let hint = did_you_mean(&region, region::REGIONS.iter().map(|r| r.0))
                    .map(|s| format!("Did you mean `{s}`? "))
                    .unwrap_or_default();
                self.report(
                        Diagnostic::error(Code::GenesysRegion, format!("unknown Genesys Cloud region `{region}`"))
                            .detail(format!("{hint}Valid regions: {}; or give the region's domain, such as `mypurecloud.ie`.", region::names())),
                        &Self::located(file, attr.value.span()),
                        None,
                    );
            }
            settings.region = Some(region);
        }
        if let Some(attr) = fields.attrs.get("api_url")
            && let Some((url, _)) = self.string(scope, file, attr, None)
        {
            if let Err(problem) = region::parse_base_url(&url) {
                self.report(
                    Diagnostic::error(Code::GenesysApiUrl, "invalid `api_url`").detail(problem),
                    &Self::located(file, attr.value.span()),
                    None,
                );
            }
            settings.api_url = Some(url);
        }
        settings
    }

    /// The org settings, and the phone regions when the block names them.
    fn validation(
        &mut self,
        file: usize,
        block: &Block,
        scope: &Scope,
    ) -> (OrgSettings, Option<PhoneRegions>) {
        let fields = self.fields(file, &block.body, &VALIDATION, None);
        let mut list = |name: &str| {
            fields
                .attrs
                .get(name)
                .and_then(|a| self.strings(scope, file, a, None))
                .map(|(v, _)| v)
        };
        let settings = OrgSettings {
            context_variables: list("context_variables").unwrap_or_default(),
            pii_allow: list("pii_allow").unwrap_or_default(),
        };
        let codes = list("phone_regions");
        let regions = codes.and_then(|codes| match PhoneRegions::parse(&codes) {
            Ok(regions) => Some(regions),
            Err(unknown) => {
                let at = fields
                    .attrs
                    .get("phone_regions")
                    .and_then(|a| a.value.span());
                self.report(
                    Diagnostic::error(Code::ValidationPhoneRegion, unknown.to_string()).detail(
                        "Name countries by their ISO 3166 code, such as `GB`, `DE` or `IN`.",
                    ),
                    &Self::located(file, at),
                    None,
                );
                None
            }
        });
        (settings, regions)
    }
}
