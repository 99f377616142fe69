#!/usr/bin/env bash
# Sets the release version everywhere from one place: VERSION, then the chart (version and
# appVersion), the image tags the chart, kustomize and the operator default to, the pom, the CLI,
# the README's install commands and the ArgoCD Application. VersionsTest checks that they agree.
#
#   hack/set-version.sh 0.2.0     # what the release workflow runs for tag v0.2.0
#   hack/set-version.sh           # re-applies VERSION (after editing it by hand)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

version="${1:-$(tr -d '[:space:]' < VERSION)}"
if ! [[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]]; then
  echo "set-version: '$version' is not a semantic version (1.2.3 or 1.2.3-rc.1)" >&2
  exit 1
fi
semver='[0-9][0-9]*\.[0-9][0-9]*\.[0-9][0-9]*\(-[0-9A-Za-z.-]*\)\{0,1\}'

printf '%s\n' "$version" > VERSION
sed -i "s/^version: .*/version: ${version}/; s/^appVersion: .*/appVersion: \"${version}\"/" \
  helm/graft/Chart.yaml
sed -i "s|\(ghcr.io/graft-dev/graft-injector:\)${semver}|\1${version}|g" \
  helm/graft/values.yaml config/manager/manager.yaml README.md \
  src/main/java/dev/graft/config/GraftConfig.java
sed -i "s|\(ghcr.io/graft-dev/graft-operator:\)${semver}|\1${version}|g" config/manager/manager.yaml
sed -i "s/^\(    newTag: \).*/\1${version}/" config/manager/kustomization.yaml
sed -i "s|\(oci://ghcr.io/graft-dev/charts/graft --version \)${semver}|\1${version}|g" README.md
sed -i "s/\(version = \"graft \)${semver}\"/\1${version}\"/" src/main/java/dev/graft/cli/GraftCommand.java
# the pom's own version: the first <version> after </parent> or the artifactId
awk -v v="${version}-SNAPSHOT" '
  !done && /<artifactId>graft<\/artifactId>/ { seen = 1 }
  !done && seen && /<version>/ { sub(/<version>[^<]*<\/version>/, "<version>" v "</version>"); done = 1 }
  { print }' pom.xml > pom.xml.tmp && mv pom.xml.tmp pom.xml
for app in config/argocd/*.yaml; do
  if grep -q 'chart: graft' "$app"; then
    sed -i "s/^\( *targetRevision: \)${semver}$/\1${version}/" "$app"
  fi
done
echo "set-version: ${version}"
