use super::*;

fn fmt(src: &str) -> String {
    format(src).unwrap_or_else(|e| panic!("format failed: {e:?}\n--- input ---\n{src}"))
}

fn syntax(src: &str) -> (usize, usize, String) {
    match format(src) {
        Err(FormatError::Syntax {
            line,
            column,
            message,
        }) => (line, column, message),
        Ok(out) => panic!("expected a syntax error, got:\n{out}"),
    }
}

const EXAMPLE_IN: &str = r#"variable "hold_timeout" {default=45000}
# The hold prompt
prompt "account_hold" {
    id = "assist-prompt-001"   # fixed id
  name="Account Hold Guidance"
      interaction_types = ["conversation","chat"]


  trigger {
  type = "conversation"
  condition {
  field = "accountStatus"
     operator="equals"
  value = "on_hold"
  }
  }
  display {
    type = "popup"
    content = <<-EOT
      Customer {{customerName}} requires verification.
    EOT
    timeout_ms = var.hold_timeout
  }
  depends_on = [prompt.greeting]
}
"#;

const EXAMPLE_OUT: &str = r#"variable "hold_timeout" {
  default = 45000
}
# The hold prompt
prompt "account_hold" {
  id                = "assist-prompt-001" # fixed id
  name              = "Account Hold Guidance"
  interaction_types = ["conversation", "chat"]

  trigger {
    type = "conversation"
    condition {
      field    = "accountStatus"
      operator = "equals"
      value    = "on_hold"
    }
  }
  display {
    type    = "popup"
    content = <<-EOT
      Customer {{customerName}} requires verification.
    EOT
    timeout_ms = var.hold_timeout
  }
  depends_on = [prompt.greeting]
}
"#;

/// Messy inputs. Comments carry markers `CMTn` so that tests can check that
/// every comment survives, in order.
const MESSY: &[(&str, &str)] = &[
    ("example", EXAMPLE_IN),
    (
        "comments everywhere",
        r#"


// CMT1 leading comment
/* CMT2 block
   comment   
*/
locals   {   # CMT3 after brace

   # CMT4 first
   a = 1 // CMT5
   bbb = -1 # CMT6
   /* CMT7 */ c = 2
   d /* CMT8 */ = 3
   e = [ # CMT9
     "x", /* CMT10 */
     # CMT11 own line in array
     "y",
   ] # CMT12
   # CMT13 before close


}   # CMT14 after block
# CMT15 trailing


"#,
    ),
    (
        "nested blocks and empty blocks",
        "outer \"a\" {\ninner {\ndeep {\nx=1\nyy=2\n}\nempty {\n}\nempty2 {}\nblank {\n\n\n}\n}\none \"line\" { v = true }\nnone { }\n}\nlast {}\n",
    ),
    (
        "multi-line arrays and objects",
        r#"list = [
"a",
      "b",
        [1,2,3],
   {x=1, yy = 2},
]
obj = {
name = "x"
      longer_name = "y"
  nested = {
  k = v
  }
}
items = [{
  a = 1
  }, {
  b = 2
}]
call = format("%s-%s",
   var.a, # CMT1
   var.b,
)
fn = jsonencode({
a = [
1,
2
]
})
forexp = [for s in var.list: upper(s) if s != ""]
forobj = {for k, v in var.map: k => v...}
"#,
    ),
    (
        "heredocs with odd indentation",
        "a {\n        plain = <<EOT\n  weird   indent\n\ttab line\n\n      EOT\n  dash = <<-EOT\n        deeper\n      shallower\n    EOT\n    args = f(<<EOT\nx ${var.y} \"q\"\nEOT\n  )\n  empty = <<EOT\nEOT\n  b = 1\n}\n",
    ),
    (
        "crlf and tabs",
        "a {\r\n\tb\t=\t\"x\"   # CMT1\r\n\r\n\r\n\tlonger_key = [\"p\",\"q\"]\r\n\tc = <<EOT\r\n\thi\r\nEOT\r\n\tinner {\r\n\t\td = 1\r\n\t}\r\n}\r\n",
    ),
    (
        "unicode and templates",
        r#"名前 = "値"
uni   =   "héllo wörld ✓"
tmpl = "${var.x}-y"
nested_tmpl = "${join(",", [for s in var.x: "${s}}"])}"
directive = "%{ if var.x }yes%{ else }no%{ endif }"
escapes = "a\"b $${not} \\"
ops = -var.x + (-1) * 2 - -3
cmp = a >= -1 && b <= 2 || !c
trav = a.b[0].c[*].d
splat = var.things.*.id
ns = provider::terraform::encode_tfvars({})
args = concat(var.a, var.b...)
cond = var.a ? [ -1 ] : [ 1 ]
num = 1.5e+3
"#,
    ),
    ("comment only", "  # CMT1 nothing else\n\n\n// CMT2\n"),
    ("empty", ""),
    ("whitespace only", " \n\n\t\n"),
];

#[test]
fn formats_the_example_exactly() {
    assert_eq!(fmt(EXAMPLE_IN), EXAMPLE_OUT);
}

#[test]
fn canonical_output_is_left_unchanged() {
    assert_eq!(fmt(EXAMPLE_OUT), EXAMPLE_OUT);
}

#[test]
fn is_idempotent() {
    for (name, src) in MESSY {
        let once = fmt(src);
        let twice = fmt(&once);
        assert_eq!(once, twice, "not idempotent: {name}");
    }
}

/// `CMTn` markers in order of appearance.
fn comment_markers(s: &str) -> Vec<&str> {
    s.match_indices("CMT")
        .map(|(i, _)| {
            let digits = s[i + 3..]
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(s.len() - i - 3);
            &s[i..i + 3 + digits]
        })
        .collect()
}

#[test]
fn keeps_every_comment_in_order() {
    for (name, src) in MESSY {
        let out = fmt(src);
        assert_eq!(comment_markers(src), comment_markers(&out), "{name}");
        let count =
            |s: &str| s.matches('#').count() + s.matches("//").count() + s.matches("/*").count();
        // No input has `#`, `//` or `/*` inside a string or heredoc, so the
        // raw counts must agree too.
        assert_eq!(count(src), count(&out), "{name}");
    }
}

#[test]
fn output_parses_to_the_same_structure() {
    for (name, src) in MESSY {
        let out = fmt(src);
        let before = hcl_edit::parser::parse_body(&src.replace("\r\n", "\n")).unwrap();
        let after = hcl_edit::parser::parse_body(&out)
            .unwrap_or_else(|e| panic!("{name}: output does not parse: {e}\n{out}"));
        assert_eq!(without_layout(before), without_layout(after), "{name}");
    }
}

#[test]
fn output_layout_invariants() {
    for (name, src) in MESSY {
        let out = fmt(src);
        assert!(!out.contains('\r'), "{name}: CR left");
        assert!(
            out.is_empty() || out.ends_with('\n'),
            "{name}: final newline"
        );
        assert!(!out.ends_with("\n\n"), "{name}: trailing blank line");
        assert!(!out.starts_with('\n'), "{name}: leading blank line");
        assert!(!out.contains("\n\n\n"), "{name}: double blank line");
        let lines: Vec<&str> = out.lines().collect();
        for pair in lines.windows(2) {
            if pair[1].is_empty() {
                assert!(!pair[0].ends_with('{'), "{name}: blank line after `{{`");
            }
            if pair[0].is_empty() {
                assert!(
                    !pair[1].trim_start().starts_with('}'),
                    "{name}: blank line before `}}`"
                );
            }
        }
    }
}

#[test]
fn no_trailing_whitespace_or_tabs_outside_heredocs() {
    for (name, src) in MESSY {
        if src.contains("<<") {
            continue;
        }
        for line in fmt(src).lines() {
            assert_eq!(line, line.trim_end(), "{name}: trailing whitespace");
            assert!(!line.contains('\t'), "{name}: tab in {line:?}");
        }
    }
}

#[test]
fn expected_output_for_messy_inputs() {
    let out = fmt(MESSY[1].1);
    assert_eq!(
        out,
        r#"// CMT1 leading comment
/* CMT2 block
   comment
*/
locals { # CMT3 after brace
  # CMT4 first
  a            = 1  // CMT5
  bbb          = -1 # CMT6
  /* CMT7 */ c = 2
  d /* CMT8 */ = 3
  e = [  # CMT9
    "x", /* CMT10 */
    # CMT11 own line in array
    "y",
  ] # CMT12
  # CMT13 before close
} # CMT14 after block
# CMT15 trailing
"#
    );

    assert_eq!(
        fmt(MESSY[2].1),
        r#"outer "a" {
  inner {
    deep {
      x  = 1
      yy = 2
    }
    empty {}
    empty2 {}
    blank {}
  }
  one "line" {
    v = true
  }
  none {}
}
last {}
"#
    );

    assert_eq!(
        fmt(MESSY[3].1),
        r#"list = [
  "a",
  "b",
  [1, 2, 3],
  { x = 1, yy = 2 },
]
obj = {
  name        = "x"
  longer_name = "y"
  nested = {
    k = v
  }
}
items = [{
  a = 1
}, {
  b = 2
}]
call = format("%s-%s",
  var.a, # CMT1
  var.b,
)
fn = jsonencode({
  a = [
    1,
    2
  ]
})
forexp = [for s in var.list : upper(s) if s != ""]
forobj = { for k, v in var.map : k => v... }
"#
    );

    assert_eq!(
        fmt(MESSY[6].1),
        r#"名前          = "値"
uni         = "héllo wörld ✓"
tmpl        = "${var.x}-y"
nested_tmpl = "${join(",", [for s in var.x: "${s}}"])}"
directive   = "%{ if var.x }yes%{ else }no%{ endif }"
escapes     = "a\"b $${not} \\"
ops         = -var.x + (-1) * 2 - -3
cmp         = a >= -1 && b <= 2 || !c
trav        = a.b[0].c[*].d
splat       = var.things.*.id
ns          = provider::terraform::encode_tfvars({})
args        = concat(var.a, var.b...)
cond        = var.a ? [-1] : [1]
num         = 1.5e+3
"#
    );
}

#[test]
fn heredoc_bodies_are_kept_byte_for_byte() {
    let src = MESSY[4].1;
    let out = fmt(src);
    assert_eq!(
        out,
        "a {\n  plain = <<EOT\n  weird   indent\n\ttab line\n\n      EOT\n  dash = <<-EOT\n        deeper\n      shallower\n    EOT\n  args = f(<<EOT\nx ${var.y} \"q\"\nEOT\n  )\n  empty = <<EOT\nEOT\n  b = 1\n}\n"
    );
}

#[test]
fn crlf_and_tabs_are_normalised() {
    assert_eq!(
        fmt(MESSY[5].1),
        "a {\n  b = \"x\" # CMT1\n\n  longer_key = [\"p\", \"q\"]\n  c          = <<EOT\n\thi\nEOT\n  inner {\n    d = 1\n  }\n}\n"
    );
}

#[test]
fn blank_lines_and_comment_lines_break_alignment_runs() {
    let src =
        "a = 1\nbbbb = 2\n\nc = 3\ndd = 4\n# note\neeeeee = 5\nf = 6\nblk {}\ng = 7\nhhh = 8\n";
    assert_eq!(
        fmt(src),
        "a    = 1\nbbbb = 2\n\nc  = 3\ndd = 4\n# note\neeeeee = 5\nf      = 6\nblk {}\ng   = 7\nhhh = 8\n"
    );
}

#[test]
fn multi_line_values_break_alignment_runs() {
    let src = "a = 1\nlist = [\n1,\n]\nbb = 2\nc = 3\n";
    assert_eq!(fmt(src), "a = 1\nlist = [\n  1,\n]\nbb = 2\nc  = 3\n");
}

#[test]
fn trailing_comments_are_aligned() {
    let src = "a = 1 # one\nlonger = \"two\" # two\n";
    assert_eq!(fmt(src), "a      = 1     # one\nlonger = \"two\" # two\n");
}

#[test]
fn spacing_is_normalised() {
    let cases = [
        ("x = [\"a\",\"b\"]\n", "x = [\"a\", \"b\"]\n"),
        ("x={a=1,b=2}\n", "x = { a = 1, b = 2 }\n"),
        ("x = f( a ,b )\n", "x = f(a, b)\n"),
        ("x = a+b*c\n", "x = a + b * c\n"),
        ("x = [ ]\n", "x = []\n"),
        ("x = { }\n", "x = {}\n"),
        ("x = - 1\n", "x = -1\n"),
        ("x = ! true\n", "x = !true\n"),
        ("x = var . list [ 0 ]\n", "x = var.list[0]\n"),
        ("x = a-b\n", "x = a-b\n"), // `a-b` is one identifier in HCL
        ("x = a - b\n", "x = a - b\n"),
        ("x = 1-2\n", "x = 1 - 2\n"),
        ("x = c?1:2\n", "x = c ? 1 : 2\n"),
        ("x = [for v in [1,2]: v]\n", "x = [for v in [1, 2] : v]\n"),
        ("block   \"a\"    \"b\"   {\n}\n", "block \"a\" \"b\" {}\n"),
    ];
    for (src, want) in cases {
        assert_eq!(fmt(src), want, "input: {src:?}");
    }
}

#[test]
fn strings_are_kept_verbatim() {
    let src = "x = \"  spaced ,  text [ ]  ${ var.a }  \"\n";
    assert_eq!(fmt(src), src);
}

#[test]
fn empty_input_gives_empty_output() {
    assert_eq!(fmt(""), "");
    assert_eq!(fmt("\n\n  \n"), "");
}

#[test]
fn error_unclosed_brace_points_at_end_of_input() {
    let (line, column, _) = syntax("a {\n  b = 1\n");
    assert_eq!((line, column), (3, 1));
    let (line, column, _) = syntax("a {\n  b {\n    c = 1\n  }\n");
    assert_eq!((line, column), (5, 1));
}

#[test]
fn error_unterminated_string_points_at_the_quote() {
    let (line, column, message) = syntax("x = \"abc\n");
    assert_eq!((line, column), (1, 5));
    assert!(message.contains("unterminated string"), "{message}");
    assert_eq!(pos("a {\n  x = \"abc\n}\n"), (2, 7));
    assert_eq!(pos("x = {\n a = 1\n b = \"x\n}\n"), (3, 6));
}

#[test]
fn an_earlier_error_wins_over_a_later_unclosed_string() {
    let (line, column, message) = syntax("a = @\nb = \"x\n");
    assert_eq!((line, column), (1, 5));
    assert!(!message.contains("unterminated"), "{message}");
}

#[test]
fn error_columns_count_chars() {
    assert_eq!(pos("résumé = \"é\" é\n"), (1, 14));
    assert_eq!(pos("  x = {\n    k = ü ü\n  }\n"), (2, 11));
    assert_eq!(pos("ü = \"ö\nb = 1\n"), (1, 5));
}

#[test]
fn error_at_end_of_input_after_a_multibyte_char() {
    assert_eq!(pos("a {\n  b = é"), (2, 8));
    assert_eq!(pos("a = ["), (1, 6));
}

#[test]
fn error_with_crlf_line_endings() {
    assert_eq!(pos("a = 1\r\nb = \"x\r\n"), (2, 5));
}

#[test]
fn other_syntax_errors() {
    assert_eq!(pos("a = \n"), (1, 5));
    assert_eq!(pos("a = 1 b = 2\n"), (1, 7));
    assert_eq!(pos("x = <<EOT\nabc\n"), (1, 5));
    assert_eq!(pos("x = 1 /* abc\n"), (1, 7));
    let (line, _, message) = syntax("a = 1\na = 2\n");
    assert_eq!(line, 2);
    assert!(message.contains("redefined"), "{message}");
}

#[test]
fn error_display_is_the_message() {
    let err = format("x = \"abc\n").unwrap_err();
    let FormatError::Syntax { message, .. } = &err;
    assert_eq!(err.to_string(), *message);
}

fn pos(src: &str) -> (usize, usize) {
    let (line, column, _) = syntax(src);
    (line, column)
}

/// Re-indents every line arbitrarily, adds trailing blanks, mixes CRLF line
/// endings and doubles blank lines. Only for sources without heredocs or
/// multi-line comments, whose inner lines must not be touched.
fn messify(canonical: &str) -> String {
    let mut out = String::new();
    for (i, line) in canonical.lines().enumerate() {
        let indent = match i % 4 {
            0 => String::new(),
            1 => "\t".to_owned(),
            2 => " ".repeat(i % 7),
            _ => " \t ".to_owned(),
        };
        let eol = if i % 2 == 0 { "\n" } else { "\r\n" };
        if line.is_empty() {
            out.push_str(eol);
            out.push_str(" \t");
            out.push_str(eol);
            continue;
        }
        out.push_str(&indent);
        out.push_str(line.trim_start());
        out.push_str(&" ".repeat(i % 3));
        out.push_str(eol);
    }
    out
}

#[test]
fn messy_whitespace_converges_to_the_canonical_form() {
    for (name, src) in MESSY {
        if src.contains("<<") || src.contains("/*") {
            continue;
        }
        let canonical = fmt(src);
        let messy = messify(&canonical);
        assert_eq!(fmt(&messy), canonical, "{name}:\n{messy}");
    }
}

/// Every prefix of every messy input either formats idempotently or is
/// reported as a syntax error at a position inside the input; nothing panics.
#[test]
fn every_prefix_formats_or_errors_cleanly() {
    for (name, src) in MESSY {
        for (cut, _) in src.char_indices().chain([(src.len(), ' ')]) {
            let prefix = &src[..cut];
            match format(prefix) {
                Ok(out) => assert_eq!(fmt(&out), out, "{name} cut at {cut}"),
                Err(FormatError::Syntax { line, column, .. }) => {
                    let lines: Vec<&str> = prefix.split('\n').collect();
                    assert!(
                        line >= 1 && line <= lines.len(),
                        "{name} cut at {cut}: line {line}"
                    );
                    let width = lines[line - 1].chars().count();
                    assert!(
                        column >= 1 && column <= width + 1,
                        "{name} cut at {cut}: column {column}"
                    );
                }
            }
        }
    }
}

#[test]
fn the_bracket_left_open_is_found_where_it_was_opened() {
    use super::lexer::unclosed_bracket;
    let at = |src: &str| unclosed_bracket(src).map(|b| (b.open, b.closer));
    assert_eq!(at("a {\n  b = [1, 2]\n}\n"), None);
    assert_eq!(at("a {\n  b = 1\n"), Some((2, "}")));
    assert_eq!(at("a {\n  b = [1, 2\n}\n"), Some((10, "]")));
    // The nested block's `}` is missing: its parent's, less indented, closes it.
    assert_eq!(at("a {\n  b {\n    c = 1\n}\n"), Some((8, "}")));
    // An unclosed string explains the error better.
    assert_eq!(at("a {\n  b = \"x\n"), None);
}
