#!/usr/bin/env bash
# Whether two saved assistform plans make the same changes: the plan reviewed in the
# pull request, and the plan made again from the merged code before apply.
#
#   assistform-same-changes.sh REVIEWED.tfplan MERGED.tfplan
#
# Exit 0 when they make the same changes; 1 when they do not, naming the addresses
# and plan fields that differ (never their values: a plan file holds configuration
# values, sensitive ones included); 2 when a file cannot be compared.
#
# It compares the plan files themselves, not `assistform show --json`: that output
# hides sensitive values, masks PII and leaves out the `on_apply` hooks, so two
# plans that would write different things could look the same there. Left out,
# because they differ between two plans of the same changes:
#   lineage, serial  the state the plan was read from; apply checks its own plan
#                    against the state, and refuses it if the state moved
#   config_digest    every desired object, unchanged ones too (another merge that
#                    was already applied changes it, not the changes)
#   drift            what changed outside assistform: shown, never applied
#   genesys          the URL the plan was read through (the built-in emulator's port
#                    differs on every run); `org` is compared, and apply refuses a
#                    plan for another org
#   no-op entries    objects in scope that the plan leaves alone (not imports or moves)
# Everything else in the plan is compared, so a field a later assistform adds
# counts until this list says otherwise: the safe side.
#
# Needs jq, and assistform on PATH (`assistform show` checks each file's digest).
set -euo pipefail

if [ $# -ne 2 ]; then
  echo "usage: $0 REVIEWED.tfplan MERGED.tfplan" >&2
  exit 2
fi
reviewed=$1
merged=$2

for f in "$reviewed" "$merged"; do
  # Refuses a file that is not a plan, from another plan format, or edited since
  # `plan --out` wrote it.
  if ! assistform show "$f" >/dev/null; then
    echo "error: \`assistform show $f\` refused it (above): cannot compare" >&2
    exit 2
  fi
done

header='[.kind, .format_version] | @tsv'
if [ "$(jq -r "$header" "$reviewed")" != "$(jq -r "$header" "$merged")" ]; then
  echo "error: the two plans are of different plan file formats ($(jq -r "$header" "$reviewed") and $(jq -r "$header" "$merged")): plan again with the same assistform" >&2
  exit 2
fi

# shellcheck disable=SC2016 # jq, not shell, expands these
changes='.plan
  | del(.lineage, .serial, .config_digest, .drift, .genesys)
  | .changes |= (map(select(.action != "no-op" or (.importing // false) or .moved_from != null))
                 | sort_by(.address))'

if [ "$(jq -cS "$changes" "$reviewed")" = "$(jq -cS "$changes" "$merged")" ]; then
  exit 0
fi

echo "The plans make different changes:" >&2
# shellcheck disable=SC2016
jq -rn --slurpfile r <(jq "$changes" "$reviewed") --slurpfile m <(jq "$changes" "$merged") '
  def by_address: map({key: .address, value: .}) | from_entries;
  ($r[0].changes | by_address) as $a
  | ($m[0].changes | by_address) as $b
  | ($r[0] | del(.changes)) as $x
  | ($m[0] | del(.changes)) as $y
  | ( ((($a + $b) | keys_unsorted | unique)[]
        | select($a[.] != $b[.])
        | if $a[.] == null then "  \(.): only in the merged plan (\($b[.].action))"
          elif $b[.] == null then "  \(.): only in the reviewed plan (\($a[.].action))"
          elif $a[.].action == $b[.].action then "  \(.): \($a[.].action) in both, with other values"
          else "  \(.): \($a[.].action) in the reviewed plan, \($b[.].action) now" end),
      ((($x + $y) | keys_unsorted | unique)[]
        | select($x[.] != $y[.])
        | "  the plan'"'"'s `\(.)` differs") )' >&2
exit 1
