//! What a kind's values look like: attributes and nested blocks, in the order a
//! reader expects them. The core walks it to flatten, show and compare values
//! without knowing the kind.

/// A body: its attributes, then its nested blocks.
#[derive(Debug)]
pub struct Schema {
    pub attributes: &'static [Attribute],
    pub blocks: &'static [NestedBlock],
}

#[derive(Debug)]
pub struct Attribute {
    pub name: &'static str,
    pub ty: Type,
    /// Long text whose change reads best as a line diff.
    pub lines: bool,
    /// What the server holds when the attribute is left out, as written in HCL.
    pub default: Option<&'static str>,
    /// The kind whose ids it holds: `import` writes a reference to the object
    /// (`response_library.billing.id`) where it knows one.
    pub refers_to: Option<&'static str>,
    /// For a map, the kind whose ids each key holds (`responseId` →
    /// `canned_response`), for `import` as [`Attribute::refers_to`].
    pub keys_refer: &'static [(&'static str, &'static str)],
    /// Guides the plan and is never part of the object: not compared, not sent,
    /// not kept in the state (`take_over`).
    pub directive: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Type {
    String,
    Number,
    Strings,
    Bool,
    /// A fraction or any number that need not be whole.
    Decimal,
    /// Strings by string: `attributes = { responseId = "…" }`.
    Map,
}

#[derive(Debug)]
pub struct NestedBlock {
    pub name: &'static str,
    pub nesting: Nesting,
    pub schema: Schema,
}

/// How many of a block a body holds. In values, either is a list of objects, as
/// Terraform shapes them: `display` is `[{…}]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Nesting {
    Single,
    List,
    /// Blocks with one label each, matched by it rather than by position: in
    /// values, an object by label (`rule "greet" {…}` is `{"greet": {…}}`).
    Labeled,
}

impl Attribute {
    pub const fn string(name: &'static str) -> Attribute {
        Attribute {
            name,
            ty: Type::String,
            lines: false,
            default: None,
            refers_to: None,
            keys_refer: &[],
            directive: false,
        }
    }

    pub const fn number(name: &'static str) -> Attribute {
        Attribute {
            name,
            ty: Type::Number,
            lines: false,
            default: None,
            refers_to: None,
            keys_refer: &[],
            directive: false,
        }
    }

    /// `true` or `false`; `false` when left out, unless [`Attribute::or`] says.
    pub const fn bool(name: &'static str) -> Attribute {
        Attribute {
            name,
            ty: Type::Bool,
            lines: false,
            default: None,
            refers_to: None,
            keys_refer: &[],
            directive: false,
        }
    }

    pub const fn strings(name: &'static str) -> Attribute {
        Attribute {
            name,
            ty: Type::Strings,
            lines: false,
            default: None,
            refers_to: None,
            keys_refer: &[],
            directive: false,
        }
    }

    pub const fn decimal(name: &'static str) -> Attribute {
        Attribute {
            ty: Type::Decimal,
            ..Attribute::string(name)
        }
    }

    /// A map of strings, whose keys `keys_refer` name the kinds some hold ids of.
    pub const fn map(
        name: &'static str,
        keys_refer: &'static [(&'static str, &'static str)],
    ) -> Attribute {
        Attribute {
            ty: Type::Map,
            keys_refer,
            ..Attribute::string(name)
        }
    }

    /// The same attribute, as a directive to the plan ([`Attribute::directive`]).
    pub const fn directing(self) -> Attribute {
        Attribute {
            directive: true,
            ..self
        }
    }

    /// The same attribute, holding `value` when the configuration leaves it out.
    pub const fn or(self, value: &'static str) -> Attribute {
        Attribute {
            default: Some(value),
            ..self
        }
    }

    /// The same attribute, holding ids of `kind`'s objects.
    pub const fn referring_to(self, kind: &'static str) -> Attribute {
        Attribute {
            refers_to: Some(kind),
            ..self
        }
    }

    /// Text shown as a line diff when it changes.
    pub const fn text(name: &'static str) -> Attribute {
        Attribute {
            name,
            ty: Type::String,
            lines: true,
            default: None,
            refers_to: None,
            keys_refer: &[],
            directive: false,
        }
    }
}
