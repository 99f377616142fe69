#!/usr/bin/env bash
# Regenerate config/argocd/argocd-cm.yaml from the Lua health checks beside it
# (ArgoHealthTest fails when they differ).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../config/argocd"
indent() { sed -e 's/^\(.\)/    \1/' "$1"; }
{
  cat <<'HEADER'
# Merge into ArgoCD's argocd-cm ConfigMap (or the argo-cd Helm chart's `configs.cm`) so ArgoCD
# shows GraftedVirtualMachines and GoldenImages as Healthy / Progressing / Degraded / Suspended.
# The Lua bodies are the files beside this one (hack/gen-argocd-cm.sh); ArgoHealthTest keeps them
# identical.
apiVersion: v1
kind: ConfigMap
metadata:
  name: argocd-cm
  namespace: argocd
  labels:
    app.kubernetes.io/name: argocd-cm
    app.kubernetes.io/part-of: argocd
data:
HEADER
  echo "  resource.customizations.health.graft.dev_GraftedVirtualMachine: |"
  indent graftedvirtualmachine-health.lua
  echo "  resource.customizations.health.graft.dev_GoldenImage: |"
  indent goldenimage-health.lua
  # BaseImage and FileSet carry the same status (phase, conditions, observedGeneration).
  echo "  resource.customizations.health.graft.dev_BaseImage: |"
  indent goldenimage-health.lua
  echo "  resource.customizations.health.graft.dev_FileSet: |"
  indent goldenimage-health.lua
} > argocd-cm.yaml
