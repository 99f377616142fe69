#!/usr/bin/env bash
# Print only the Kubernetes objects of YAML files (documents with apiVersion and kind), dropping
# other documents such as the `kind: Wait` wave markers of `graft demo` scenarios, so that
#   hack/k8s-objects.sh config/demo/*.yaml | kubectl apply -f -
# works on the demo's fleet.
set -euo pipefail
for f in "$@"; do
  awk '
    function flush() {
      if (doc != "" && has_api && has_kind) { printf "---\n%s", doc }
      doc = ""; has_api = 0; has_kind = 0
    }
    /^---[[:space:]]*$/ { flush(); next }
    {
      doc = doc $0 "\n"
      if ($0 ~ /^apiVersion:[[:space:]]*[^[:space:]]/) has_api = 1
      if ($0 ~ /^kind:[[:space:]]*[^[:space:]]/) has_kind = 1
    }
    END { flush() }
  ' "$f"
done
