//! Every diagnostic code, in one place: what a `validate --json` consumer, a test
//! or a rule matches on, never a string spelt anew at each use.

use serde::{Serialize, Serializer};

use crate::pii::PiiKind;

macro_rules! codes {
    ($($variant:ident = $text:literal,)*) => {
        /// What kind of problem a diagnostic reports; printed as `error[schema.enum]`.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code {
            $($variant,)*
        }

        impl Code {
            /// Every code, in the order of this list.
            pub const ALL: &[Code] = &[$(Code::$variant,)*];

            /// The code as printed and as JSON carries it: `schema.enum`.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $text,)*
                }
            }
        }
    };
}

codes! {
    BackendInvalid = "backend.invalid",
    ConfigRead = "config.read",
    ConfidenceRange = "confidence.range",
    ContentTooLong = "content.too_long",
    ContextEmpty = "context.empty",
    ContextUnknown = "context.unknown",
    ExpressionInvalid = "expression.invalid",
    ExpressionTooLarge = "expression.too_large",
    GenesysApiUrl = "genesys.api_url",
    GenesysRegion = "genesys.region",
    GraphCycle = "graph.cycle",
    HookEnv = "hook.env",
    HookEnvSecret = "hook.env_secret",
    HookTarget = "hook.target",
    HookTimeout = "hook.timeout",
    HookWebhook = "hook.webhook",
    IdInvalid = "id.invalid",
    ImportDuplicate = "import.duplicate",
    ImportId = "import.id",
    ImportManaged = "import.managed",
    ImportMissing = "import.missing",
    ImportUnknown = "import.unknown",
    InteractionTypesEmpty = "interaction_types.empty",
    LocalCycle = "local.cycle",
    LocalTooDeep = "local.too_deep",
    LocalUndefined = "local.undefined",
    MovedBoth = "moved.both",
    MovedFrom = "moved.from",
    MovedKind = "moved.kind",
    MovedUnknown = "moved.unknown",
    PiiCard = "pii.card",
    PiiEmail = "pii.email",
    PiiIban = "pii.iban",
    PiiPhone = "pii.phone",
    PiiSsn = "pii.ssn",
    PlaceholderUndeclared = "placeholder.undeclared",
    PlanHoldsUnmanaged = "plan.holds_unmanaged",
    PlanImmutable = "plan.immutable",
    PlanManagedElsewhere = "plan.managed_elsewhere",
    PlanPreventDestroy = "plan.prevent_destroy",
    PlanQueueServed = "plan.queue_served",
    PlanTarget = "plan.target",
    PlanUnmanaged = "plan.unmanaged",
    QueueDuplicate = "queue.duplicate",
    ReferenceInvalid = "reference.invalid",
    ReferenceUndeclared = "reference.undeclared",
    SchemaDependsOn = "schema.depends_on",
    SchemaDuplicate = "schema.duplicate",
    SchemaDuplicateId = "schema.duplicate_id",
    SchemaDuplicateLabel = "schema.duplicate_label",
    SchemaDuplicateName = "schema.duplicate_name",
    SchemaEnum = "schema.enum",
    SchemaLabel = "schema.label",
    SchemaRequired = "schema.required",
    SchemaType = "schema.type",
    SchemaUnknown = "schema.unknown",
    Syntax = "syntax",
    SyntaxEncoding = "syntax.encoding",
    TimeoutRange = "timeout.range",
    TriggerConditionsEmpty = "trigger.conditions.empty",
    TriggerTypeMismatch = "trigger.type_mismatch",
    ValidationPhoneRegion = "validation.phone_region",
    VarArgument = "var.argument",
    VarMissing = "var.missing",
    VarType = "var.type",
    VarUndeclared = "var.undeclared",
    VarUndefined = "var.undefined",
}

impl Code {
    /// Personal data found in a value.
    pub fn is_pii(self) -> bool {
        self.as_str().starts_with("pii.")
    }
}

impl From<PiiKind> for Code {
    fn from(kind: PiiKind) -> Code {
        match kind {
            PiiKind::Ssn => Code::PiiSsn,
            PiiKind::Card => Code::PiiCard,
            PiiKind::Email => Code::PiiEmail,
            PiiKind::Iban => Code::PiiIban,
            PiiKind::Phone => Code::PiiPhone,
        }
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

#[cfg(test)]
mod tests {
    use super::Code;

    #[test]
    fn codes_are_unique_and_dotted_lowercase() {
        let mut seen = std::collections::BTreeSet::new();
        for code in Code::ALL {
            let text = code.as_str();
            assert!(seen.insert(text), "{text} twice");
            assert!(
                text.chars()
                    .all(|c| c.is_ascii_lowercase() || c == '.' || c == '_'),
                "{text}"
            );
        }
    }
}
