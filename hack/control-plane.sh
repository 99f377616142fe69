#!/usr/bin/env bash
# Makes sure real etcd, kube-apiserver, kube-controller-manager and kubectl binaries of one pinned Kubernetes
# version exist, and prints the directory that holds them as the LAST line of its output (everything else goes
# to stderr). The real-control-plane test tier (src/test/java/dev/graft/realcluster) runs them.
#
# Where the binaries come from, first hit wins:
#   1. $GRAFT_CONTROL_PLANE_DIR, if it holds the four binaries;
#   2. the cache, ${XDG_CACHE_HOME:-$HOME/.cache}/graft/control-plane/<k8s version>, if an earlier run filled it;
#   3. the normal download (the release tarballs that fabric8 kube-api-test downloads), for machines on the internet;
#   4. a build from the Go module proxy: a throwaway wrapper module requires k8s.io/kubernetes at the pinned version
#      (its staging modules k8s.io/* replaced by their published v0.x.y), and etcd comes from a wrapper main that
#      calls etcdmain.Main, since the etcd server module cannot be `go install`ed. Needs Go >= 1.24; takes ~15-30 min
#      on 2 cores the first time (see docs/testing.md), seconds afterwards.
# The cache dir is laid out the way io.fabric8:kube-api-test looks for binaries in offline mode
# (<kubeAPITestDir>/k8s/<version>-<os>-<arch>/{etcd,kube-apiserver,kubectl}); kube-controller-manager sits beside them.
# Environment: GRAFT_CONTROL_PLANE_DIR, GRAFT_CONTROL_PLANE_NO_DOWNLOAD=1 (skip step 3), GO (the go command).
set -euo pipefail

K8S_VERSION="${GRAFT_K8S_VERSION:-1.34.4}"
ETCD_VERSION="${GRAFT_ETCD_VERSION:-3.6.16}"
CACHE_ROOT="${XDG_CACHE_HOME:-$HOME/.cache}/graft/control-plane"
CACHE="$CACHE_ROOT/$K8S_VERSION"
BINARIES=(etcd kube-apiserver kube-controller-manager kubectl)

log() { echo "control-plane: $*" >&2; }
die() { echo "control-plane: ERROR: $*" >&2; exit 1; }

complete() { # dir -> true when it holds all four executables
  local d="$1" b
  for b in "${BINARIES[@]}"; do [[ -x "$d/$b" ]] || return 1; done
}

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) OS=linux ARCH=amd64 ;;
  Linux-aarch64) OS=linux ARCH=arm64 ;;
  Darwin-x86_64) OS=darwin ARCH=amd64 ;;
  Darwin-arm64) OS=darwin ARCH=arm64 ;;
  *) die "unsupported platform $(uname -s)-$(uname -m)" ;;
esac
# kube-api-test's offline lookup (BinaryManager): <kubeAPITestDir>/k8s/<version>-<os>-<arch>/
BIN="$CACHE/k8s/$K8S_VERSION-$OS-$ARCH"

# 1. an explicit directory
if [[ -n "${GRAFT_CONTROL_PLANE_DIR:-}" ]]; then
  if complete "$GRAFT_CONTROL_PLANE_DIR"; then
    log "using GRAFT_CONTROL_PLANE_DIR"
    echo "$GRAFT_CONTROL_PLANE_DIR"; exit 0
  fi
  # it may also be a kube-api-test style root
  if complete "$GRAFT_CONTROL_PLANE_DIR/k8s/$K8S_VERSION-$OS-$ARCH"; then
    echo "$GRAFT_CONTROL_PLANE_DIR/k8s/$K8S_VERSION-$OS-$ARCH"; exit 0
  fi
  die "GRAFT_CONTROL_PLANE_DIR=$GRAFT_CONTROL_PLANE_DIR lacks one of: ${BINARIES[*]}"
fi

# 2. the cache
if complete "$BIN"; then
  log "cached: $BIN"
  echo "$BIN"; exit 0
fi

mkdir -p "$BIN"
WORK="$CACHE/work"
mkdir -p "$WORK"

# 3. the normal download. Fails fast where only package registries are reachable (no DNS for the hosts).
download() {
  command -v curl >/dev/null || return 1
  # kube-api-test's own download: the envtest archive of controller-tools (etcd, kube-apiserver, kubectl) ...
  local envtest="https://github.com/kubernetes-sigs/controller-tools/releases/download/envtest-v$K8S_VERSION/envtest-v$K8S_VERSION-$OS-$ARCH.tar.gz"
  # ... plus kube-controller-manager, which envtest does not ship, from the Kubernetes release bucket.
  local kcm="https://dl.k8s.io/v$K8S_VERSION/bin/$OS/$ARCH/kube-controller-manager"
  local tmp="$WORK/download" b
  rm -rf "$tmp"; mkdir -p "$tmp"
  log "trying the normal download (kube-api-test's envtest archive, dl.k8s.io)"
  # --connect-timeout: where only package registries are reachable this fails in seconds, not minutes.
  curl -fsSL --connect-timeout 10 --max-time 900 -o "$tmp/envtest.tgz" "$envtest" || return 1
  curl -fsSL --connect-timeout 10 --max-time 900 -o "$tmp/kube-controller-manager" "$kcm" || return 1
  tar -xzf "$tmp/envtest.tgz" -C "$tmp" --strip-components=2 || return 1
  chmod +x "$tmp"/kube-apiserver "$tmp"/kube-controller-manager "$tmp"/kubectl "$tmp"/etcd
  for b in "${BINARIES[@]}"; do mv "$tmp/$b" "$BIN/$b"; done
}
if [[ "${GRAFT_CONTROL_PLANE_NO_DOWNLOAD:-}" == "1" ]]; then
  log "download skipped (GRAFT_CONTROL_PLANE_NO_DOWNLOAD=1); building from the Go module proxy"
elif download 2>"$WORK/download.log"; then
  log "downloaded"
  echo "$BIN"; exit 0
else
  log "download not possible ($(tail -n1 "$WORK/download.log" 2>/dev/null || true)); building from the Go module proxy"
fi
# Go's own chatter (one line per module downloaded) goes here; our progress lines go to stderr.
GOLOG="$WORK/go.log"
: > "$GOLOG"

# 4. the build from the Go module proxy
GO="${GO:-$(command -v go || true)}"
if [[ -z "$GO" && -x /usr/local/go/bin/go ]]; then GO=/usr/local/go/bin/go; fi
if [[ -z "$GO" ]] || ! command -v "$GO" >/dev/null; then die "no Go toolchain (need Go >= 1.24 to build the control plane from the Go module proxy, or set GRAFT_CONTROL_PLANE_DIR to a directory with ${BINARIES[*]}; see docs/testing.md)"; fi
export GOFLAGS="-trimpath -mod=mod" GOTOOLCHAIN=local CGO_ENABLED=0 GOWORK=off
NICE=(nice -n 10)

progress() { # pid label: a line every 60 s while a long step runs
  local pid="$1" label="$2" t=0
  while kill -0 "$pid" 2>/dev/null; do
    sleep 5; t=$((t + 5))
    (( t % 60 == 0 )) && log "$label: still running (${t}s)"
  done
  wait "$pid"
}

K8S_MOD="$WORK/kubernetes"
mkdir -p "$K8S_MOD"
if [[ ! -f "$K8S_MOD/go.sum" ]]; then
  log "resolving k8s.io/kubernetes v$K8S_VERSION"
  (cd "$K8S_MOD" && rm -f go.mod && "$GO" mod init graft.local/control-plane >/dev/null 2>&1)
  # The staging modules k8s.io/api, k8s.io/client-go, ... are `replace`d by ./staging in kubernetes' own go.mod,
  # which a dependent module ignores: pin each to its published v0.<minor>.<patch>.
  modfile="$("$GO" mod download -json "k8s.io/kubernetes@v$K8S_VERSION" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')"
  [[ -f "$modfile" ]] || die "could not fetch k8s.io/kubernetes@v$K8S_VERSION's go.mod from the Go module proxy"
  staging_version="v0.${K8S_VERSION#1.}"
  (
    cd "$K8S_MOD"
    "$GO" mod edit -require="k8s.io/kubernetes@v$K8S_VERSION"
    grep -E '^\s*k8s.io/[a-z0-9-]+ => \./staging' "$modfile" | awk '{print $1}' | while read -r m; do
      "$GO" mod edit -replace="$m=$m@$staging_version"
    done
    cat > tools.go <<'GO'
//go:build tools

package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
GO
  )
  (cd "$K8S_MOD" && "${NICE[@]}" "$GO" mod tidy -e >>"$GOLOG" 2>&1) & progress $! "downloading Kubernetes modules" \
    || die "resolving Kubernetes modules failed; see $GOLOG"
fi

ETCD_MOD="$WORK/etcd"
mkdir -p "$ETCD_MOD"
if [[ ! -f "$ETCD_MOD/go.sum" ]]; then
  log "resolving go.etcd.io/etcd/server/v3 v$ETCD_VERSION"
  (
    cd "$ETCD_MOD"
    rm -f go.mod
    "$GO" mod init graft.local/etcd >/dev/null 2>&1
    cat > main.go <<'GO'
// etcd built from the Go module proxy: the etcd server module has no installable main package of its own.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
GO
    "$GO" mod edit -require="go.etcd.io/etcd/server/v3@v$ETCD_VERSION"
  )
  (cd "$ETCD_MOD" && "${NICE[@]}" "$GO" mod tidy >>"$GOLOG" 2>&1) & progress $! "downloading etcd modules" \
    || die "resolving etcd modules failed; see $GOLOG"
fi

minor="${K8S_VERSION#1.}"; minor="${minor%%.*}"
vpkg=k8s.io/component-base/version
LDFLAGS="-s -w -X $vpkg.gitVersion=v$K8S_VERSION -X $vpkg.gitMajor=1 -X $vpkg.gitMinor=$minor -X $vpkg.gitTreeState=clean -X $vpkg.buildDate=1970-01-01T00:00:00Z"
LDFLAGS="$LDFLAGS -X k8s.io/client-go/pkg/version.gitVersion=v$K8S_VERSION -X k8s.io/client-go/pkg/version.gitMajor=1 -X k8s.io/client-go/pkg/version.gitMinor=$minor"

build() { # label dir out pkg ldflags
  local label="$1" dir="$2" out="$3" pkg="$4" ldflags="$5"
  if [[ -x "$WORK/out/$out" ]]; then log "$label: built before"; return 0; fi
  log "building $label"
  (cd "$dir" && "${NICE[@]}" "$GO" build -ldflags="$ldflags" -o "$WORK/out/$out.tmp" "$pkg" >>"$GOLOG" 2>&1) & progress $! "building $label" \
    || { tail -n 20 "$GOLOG" >&2; die "building $label failed; see $GOLOG"; }
  mv "$WORK/out/$out.tmp" "$WORK/out/$out"
}
mkdir -p "$WORK/out"
build etcd "$ETCD_MOD" etcd . "-s -w"
build kube-apiserver "$K8S_MOD" kube-apiserver k8s.io/kubernetes/cmd/kube-apiserver "$LDFLAGS"
build kube-controller-manager "$K8S_MOD" kube-controller-manager k8s.io/kubernetes/cmd/kube-controller-manager "$LDFLAGS"
build kubectl "$K8S_MOD" kubectl k8s.io/kubernetes/cmd/kubectl "$LDFLAGS"

for b in "${BINARIES[@]}"; do mv "$WORK/out/$b" "$BIN/$b"; done
complete "$BIN" || die "build finished but $BIN lacks a binary"
"$BIN/kube-apiserver" --version >&2 || true
echo "$BIN"
