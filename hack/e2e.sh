#!/usr/bin/env bash
# End to end on a real cluster: kind + KubeVirt (software emulation, no nested KVM needed) + CDI,
# both images built and loaded, the chart installed, the fleet applied in two waves, and a file
# read back from a built disk. The E2E workflow runs these same steps, one per workflow step;
# by hand (needs docker, kind, kubectl, helm, a JDK; about 30 minutes):
#
#   hack/e2e.sh all                      # every step, in order
#   hack/e2e.sh wave1 wave2 read-back    # some steps, on a cluster the earlier steps set up
#   hack/e2e.sh dump                     # objects, events and logs into dump/
#
# Steps: cluster platform storage images install wave1 wave2 read-back (and dump).
# These machines have no Docker engine and no cluster: E2eScriptTest runs the script against
# stand-in kind/kubectl/helm/docker commands to check the order and the manifests of every step,
# and shellcheck checks the script.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# KubeVirt v1.4 supports Kubernetes 1.29 to 1.31: kind v0.25.0's node image for 1.31, by digest.
KIND_NODE_IMAGE="${KIND_NODE_IMAGE:-kindest/node:v1.31.2@sha256:18fbefc20a7113353c7b75b5c869d7145a6abd6269154825872dc59c1329912e}"
KUBEVIRT_VERSION="${KUBEVIRT_VERSION:-v1.4.0}"
CDI_VERSION="${CDI_VERSION:-v1.60.3}"
CLUSTER="${CLUSTER:-graft}"
OPERATOR_IMAGE="${OPERATOR_IMAGE:-ghcr.io/graft-dev/graft-operator}"
INJECTOR_IMAGE="${INJECTOR_IMAGE:-ghcr.io/graft-dev/graft-injector}"
TAG="${TAG:-e2e}"
# The fleet: its *.yaml files first, then its wave-2/ once the first wave is Ready.
SAMPLES="${SAMPLES:-test/e2e}"
# The VM whose built image the read-back step opens, and what it must find there.
READ_BACK_GVM="${READ_BACK_GVM:-graft-e2e/app-1}"
READ_BACK_EXPECT="${READ_BACK_EXPECT:-Built by Graft (e2e)|port = 8080}"
TIMEOUT="${TIMEOUT:-45m}"
MVNW="${MVNW:-./mvnw}"

log() { printf '\n== e2e: %s\n' "$*"; }
fail() {
  echo "e2e: $*" >&2
  exit 1
}

step_cluster() {
  log "kind cluster ${CLUSTER} (${KIND_NODE_IMAGE})"
  if kind get clusters | grep -qx "${CLUSTER}"; then
    echo "cluster ${CLUSTER} exists"
    return
  fi
  kind create cluster --name "${CLUSTER}" --image "${KIND_NODE_IMAGE}" --wait 120s
}

step_platform() {
  log "KubeVirt ${KUBEVIRT_VERSION} (emulation) and CDI ${CDI_VERSION}"
  local kubevirt="https://github.com/kubevirt/kubevirt/releases/download/${KUBEVIRT_VERSION}"
  local cdi="https://github.com/kubevirt/containerized-data-importer/releases/download/${CDI_VERSION}"
  kubectl apply -f "${kubevirt}/kubevirt-operator.yaml"
  kubectl apply -f "${kubevirt}/kubevirt-cr.yaml"
  # GitHub runners have no nested virtualization to rely on: software emulation.
  kubectl -n kubevirt patch kubevirt kubevirt --type=merge \
    -p '{"spec":{"configuration":{"developerConfiguration":{"useEmulation":true}}}}'
  kubectl apply -f "${cdi}/cdi-operator.yaml"
  kubectl apply -f "${cdi}/cdi-cr.yaml"
  kubectl -n kubevirt wait kubevirt kubevirt --for=condition=Available --timeout=20m
  kubectl wait cdi cdi --for=condition=Available --timeout=20m
}

step_storage() {
  # kind's local-path provisioner is unknown to CDI: its StorageProfile is empty, and a
  # DataVolume without access modes fails with ErrClaimNotValid. Give that one profile what the
  # provisioner supports (CDI's feature gates stay as they are: Graft's build DataVolumes ask for
  # immediate binding themselves).
  local class
  class="$(kubectl get storageclass \
    -o jsonpath='{range .items[?(@.metadata.annotations.storageclass\.kubernetes\.io/is-default-class=="true")]}{.metadata.name}{end}')"
  [ -n "${class}" ] || fail "no default StorageClass"
  log "StorageProfile ${class}"
  local i
  for i in $(seq 1 60); do
    if kubectl get storageprofile "${class}" >/dev/null 2>&1; then
      break
    fi
    [ "${i}" -lt 60 ] || fail "CDI made no StorageProfile for ${class}"
    sleep 5
  done
  kubectl patch storageprofile "${class}" --type=merge \
    -p '{"spec":{"claimPropertySets":[{"accessModes":["ReadWriteOnce"],"volumeMode":"Filesystem"}]}}'
  kubectl wait storageprofile "${class}" --timeout=2m \
    --for=jsonpath='{.status.claimPropertySets[0].accessModes[0]}'=ReadWriteOnce
}

step_images() {
  log "operator and injector images (${TAG})"
  "${MVNW}" -B -q package -DskipTests
  docker build -f src/main/docker/Dockerfile.jvm -t "${OPERATOR_IMAGE}:${TAG}" .
  docker build -f deploy/injector/Dockerfile -t "${INJECTOR_IMAGE}:${TAG}" .
  kind load docker-image --name "${CLUSTER}" "${OPERATOR_IMAGE}:${TAG}" "${INJECTOR_IMAGE}:${TAG}"
}

step_install() {
  log "Graft from helm/graft"
  helm upgrade --install graft helm/graft -n graft-system --create-namespace \
    --set image.tag="${TAG}" \
    --set image.pullPolicy=Never \
    --set injector.image="${INJECTOR_IMAGE}:${TAG}" \
    --set injector.kvm=never \
    --set logLevel=DEBUG \
    --wait --timeout 5m
  # the CRDs are chart templates: the fleet may only be applied once they are served
  kubectl wait --for=condition=Established --timeout=2m \
    crd/baseimages.graft.dev crd/clusterbaseimages.graft.dev crd/filesets.graft.dev \
    crd/goldenimages.graft.dev crd/graftedvirtualmachines.graft.dev
  kubectl -n graft-system rollout status deployment/graft --timeout=5m
}

# Applies the Kubernetes objects of the YAML files directly in $1 (not its subfolders).
apply_folder() {
  local files=()
  local f
  for f in "$1"/*.yaml "$1"/*.yml; do
    if [ -f "${f}" ] && grep -q '^kind:' "${f}"; then
      files+=("${f}")
    fi
  done
  [ "${#files[@]}" -gt 0 ] || fail "no Kubernetes objects in $1"
  echo "applying ${files[*]}"
  # only Kubernetes objects: demo scenarios carry `kind: Wait` markers between waves
  hack/k8s-objects.sh "${files[@]}" | kubectl apply -f -
}

# Waits until every GraftedVirtualMachine is Ready and has its VirtualMachine, and every catalog
# DataVolume (the import of a base image, the clone of each build) has Succeeded.
wait_fleet() {
  if [ -z "$(kubectl get gvm -A -o name)" ]; then
    fail "${SAMPLES} created no GraftedVirtualMachine"
  fi
  kubectl wait gvm --all -A --for=condition=Ready --timeout="${TIMEOUT}"
  kubectl get gvm,gi -A -o wide
  local gvm
  for gvm in $(kubectl get gvm -A -o jsonpath='{range .items[*]}{.metadata.namespace}/{.metadata.name}{"\n"}{end}'); do
    kubectl get vm -n "${gvm%%/*}" "${gvm##*/}"
  done
  local ns
  for ns in $(kubectl get dv -A -l graft.dev/golden-image -o jsonpath='{range .items[*]}{.metadata.namespace}{"\n"}{end}' | sort -u); do
    kubectl -n "${ns}" wait dv -l graft.dev/golden-image \
      --for=jsonpath='{.status.phase}'=Succeeded --timeout="${TIMEOUT}"
  done
  kubectl get dv -A
}

# The operator's metrics, through the API server's service proxy (no port-forward).
metrics() {
  kubectl get --raw "/api/v1/namespaces/graft-system/services/graft-metrics:8080/proxy/q/metrics"
}

# Sum of a counter over its labels (0 when it does not exist yet).
counter() {
  metrics | awk -v name="$1" 'index($0, name "{") == 1 { sum += $NF } END { printf "%d\n", sum }'
}

step_wave1() {
  log "first wave: ${SAMPLES}"
  apply_folder "${SAMPLES}"
  wait_fleet
  [ "$(counter graft_builds_succeeded_total)" -gt 0 ] || fail "no build succeeded"
}

step_wave2() {
  if [ ! -d "${SAMPLES}/wave-2" ]; then
    log "second wave: ${SAMPLES} has no wave-2/"
    return
  fi
  log "second wave: ${SAMPLES}/wave-2 (exact reuses of Ready images)"
  local images hits
  images="$(kubectl get gi -A -o name | wc -l)"
  hits="$(counter graft_cache_hits_total)"
  apply_folder "${SAMPLES}/wave-2"
  wait_fleet
  local images_after hits_after
  images_after="$(kubectl get gi -A -o name | wc -l)"
  hits_after="$(counter graft_cache_hits_total)"
  echo "GoldenImages ${images} -> ${images_after}; graft_cache_hits_total ${hits} -> ${hits_after}"
  [ "${images_after}" -eq "${images}" ] || fail "the second wave built new images"
  [ "${hits_after}" -gt "${hits}" ] || fail "the second wave made no cache hit"
}

step_read_back() {
  local gvm_ns="${READ_BACK_GVM%%/*}" gvm="${READ_BACK_GVM##*/}"
  local image ns
  image="$(kubectl -n "${gvm_ns}" get gvm "${gvm}" -o jsonpath='{.status.image}')"
  ns="$(kubectl -n "${gvm_ns}" get gvm "${gvm}" -o jsonpath='{.status.imageNamespace}')"
  ns="${ns:-${gvm_ns}}"
  [ -n "${image}" ] || fail "${READ_BACK_GVM} has no image"
  log "read back ${ns}/${image}"
  kubectl -n "${ns}" delete job graft-e2e-read-back --ignore-not-found --wait=true
  sed -e "s|\${NAMESPACE}|${ns}|g" -e "s|\${PVC}|${image}|g" \
    -e "s|\${IMAGE}|${INJECTOR_IMAGE}:${TAG}|g" test/e2e/read-back/job.yaml | kubectl apply -f -
  if ! kubectl -n "${ns}" wait job/graft-e2e-read-back --for=condition=Complete --timeout=30m; then
    kubectl -n "${ns}" logs job/graft-e2e-read-back || true
    fail "the read-back Job did not complete"
  fi
  local out expect
  out="$(kubectl -n "${ns}" logs job/graft-e2e-read-back)"
  echo "${out}"
  IFS='|' read -r -a expect <<<"${READ_BACK_EXPECT}"
  local e
  for e in "${expect[@]}"; do
    grep -qF -- "${e}" <<<"${out}" || fail "'${e}' is not in the built image"
  done
}

step_dump() {
  log "dump/"
  mkdir -p dump
  kubectl get all,gvm,gi,bi,fs,dv,pvc,jobs,vm,vmi -A -o wide >dump/objects.txt 2>&1 || true
  kubectl get gvm,gi,dv -A -o yaml >dump/graft-objects.yaml 2>&1 || true
  kubectl get storageprofile -o yaml >dump/storageprofiles.yaml 2>&1 || true
  kubectl get events -A --sort-by=.lastTimestamp >dump/events.txt 2>&1 || true
  kubectl -n graft-system logs deployment/graft --all-containers --tail=-1 >dump/operator.log 2>&1 || true
  kubectl -n graft-system describe pods >dump/operator-pods.txt 2>&1 || true
  local ns
  for ns in $(kubectl get jobs -A -o jsonpath='{range .items[*]}{.metadata.namespace}{"\n"}{end}' | sort -u); do
    kubectl -n "${ns}" describe jobs >"dump/jobs-${ns}.txt" 2>&1 || true
    kubectl -n "${ns}" logs -l job-name --all-containers --tail=-1 --prefix >"dump/job-logs-${ns}.txt" 2>&1 || true
  done
  kubectl -n cdi logs deployment/cdi-deployment --tail=500 >dump/cdi.log 2>&1 || true
  kubectl -n kubevirt get kubevirt kubevirt -o yaml >dump/kubevirt.yaml 2>&1 || true
  tail -n 200 dump/operator.log || true
}

STEPS=(cluster platform storage images install wave1 wave2 read-back)

main() {
  [ "$#" -gt 0 ] || fail "usage: hack/e2e.sh all | step... (${STEPS[*]} dump)"
  local step
  for step in "$@"; do
    if [ "${step}" = all ]; then
      main "${STEPS[@]}"
      continue
    fi
    case " ${STEPS[*]} dump " in
      *" ${step} "*) "step_${step//-/_}" ;;
      *) fail "unknown step '${step}' (${STEPS[*]} dump)" ;;
    esac
  done
}

main "$@"
