#!/usr/bin/env bash
# Builds the test cluster's Kubernetes v1.20.2 binaries — kube-apiserver, kube-controller-manager, kube-scheduler —
# from Debian's `kubernetes` source package (ENVIRONMENT.md has the recipe and why each step is needed) and caches
# them under $KUBEOIDC_CACHE (default ~/.cache/kubeoidc), outside the repo, in bin/k8s-<version>-<revision>/.
# Prints that folder. Rebuilds only when a binary is missing there.
#
# The version is stamped so that `GET /version` and `--version` report v1.20.2: the build runs in GOPATH mode, where
# the vendored packages are `k8s.io/kubernetes/vendor/k8s.io/...`, so `-X` must name that path (as
# hack/lib/version.sh does); `-X k8s.io/component-base/version.gitVersion=…` silently sets nothing.
#
# REVISION names the recipe: bump it whenever the binaries change (flags, stamping, patches), so a cache built by an
# older recipe is never taken for the new one. r1 was bin/kube-apiserver (unstamped, apiserver only).
# test/support/kube-binaries.ts holds the same folder name (a test checks that they agree).
set -euo pipefail
VERSION=1.20.2
REVISION=r2
COMPONENTS=(kube-apiserver kube-controller-manager kube-scheduler)

cache="${KUBEOIDC_CACHE:-$HOME/.cache/kubeoidc}"
dest="$cache/bin/k8s-$VERSION-$REVISION"
complete() {
  local component
  for component in "${COMPONENTS[@]}"; do [ -x "$dest/$component" ] || return 1; done
}
if complete; then echo "$dest"; exit 0; fi
mkdir -p "$cache/bin" "$cache/src"
# One build at a time in the shared source tree. The lock keeps the name of r1's script, so an old checkout building
# at the same time never prepares the tree under this one's feet.
exec 9>"$cache/kube-apiserver.lock"
flock 9
if complete; then echo "$dest"; exit 0; fi
started=$SECONDS

sudo_if() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
if ! ls /etc/apt/sources.list.d/*src* >/dev/null 2>&1 && ! grep -rqs '^Types: deb-src' /etc/apt/sources.list.d/; then
  sudo_if tee /etc/apt/sources.list.d/kubeoidc-src.sources >/dev/null <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  sudo_if apt-get update -qq >&2
fi
packages=(golang-go rsync make dpkg-dev golang-github-modern-go-reflect2-dev golang-github-json-iterator-go-dev)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
  DEBIAN_FRONTEND=noninteractive sudo_if apt-get install -y -qq "${missing[@]}" >&2
fi

cd "$cache/src"
if [ ! -d kubernetes-$VERSION ]; then
  rm -rf kubernetes-* kubernetes_*
  apt-get source --download-only kubernetes >&2
  dpkg-source --no-check -x kubernetes_*.dsc kubernetes-$VERSION >&2
fi
tree="$cache/src/kubernetes-$VERSION"
cd "$tree"
for pkg in github.com/modern-go/reflect2 github.com/json-iterator/go; do
  rm -rf "vendor/$pkg"
  mkdir -p "vendor/$pkg"
  cp -r "/usr/share/gocode/src/$pkg/." "vendor/$pkg/"
  find "vendor/$pkg" -name '*_test.go' -delete
done
mkdir -p .go/src/k8s.io
[ -e .go/src/k8s.io/kubernetes ] || ln -s ../../.. .go/src/k8s.io/kubernetes
home="$(mktemp -d)"
trap 'rm -rf "$home"' EXIT
cd .go/src/k8s.io/kubernetes
# The Go build cache is kept with the binaries' cache: a new REVISION then relinks instead of recompiling.
export GOPATH="$tree/.go" GO111MODULE=off CGO_ENABLED=0 HOME="$home" GOFLAGS= GOCACHE="$cache/go-build"
if [ ! -f .kubeoidc-generated ]; then
  make generated_files >&2
  touch .kubeoidc-generated
fi

# What hack/lib/version.sh stamps for a release; the commit is v1.20.2's (the tarball's own base.go names it). The
# tree state is "dirty": two vendored packages are replaced by Debian's (see above).
stamp=""
for pkg in k8s.io/kubernetes/vendor/k8s.io/component-base/version k8s.io/kubernetes/vendor/k8s.io/client-go/pkg/version; do
  stamp+=" -X '$pkg.gitVersion=v$VERSION' -X '$pkg.gitMajor=1' -X '$pkg.gitMinor=20'"
  stamp+=" -X '$pkg.gitCommit=faecb196815e248d3ecfb03c680a4507229c2a56' -X '$pkg.gitTreeState=dirty'"
done
partial="$dest.partial"
rm -rf "$partial"
mkdir -p "$partial"
targets=()
for component in "${COMPONENTS[@]}"; do targets+=("./cmd/$component"); done
# `providerless` leaves out the in-tree cloud providers (AWS, Azure, GCE, OpenStack, vSphere SDKs): a test cluster
# has no cloud, and they are most of what the controller-manager would otherwise compile.
go build -tags providerless -ldflags "-s -w$stamp" -o "$partial/" "${targets[@]}" >&2
for component in "${COMPONENTS[@]}"; do
  reported="$("$partial/$component" --version)"
  if [ "$reported" != "Kubernetes v$VERSION" ]; then
    echo "build-kube: $component reports '$reported', not 'Kubernetes v$VERSION'" >&2
    exit 1
  fi
done
rm -rf "$dest"
mv "$partial" "$dest"
echo "build-kube: built ${COMPONENTS[*]} in $((SECONDS - started)) s" >&2
echo "$dest"
