#!/usr/bin/env bash
# Builds kube-apiserver v1.20.2 from Debian's `kubernetes` source package (ENVIRONMENT.md has the recipe and why
# each step is needed) and caches the binary under $KUBEOIDC_CACHE (default ~/.cache/kubeoidc), outside the repo.
# Prints the binary's path. Rebuilds only when the cached binary is missing.
set -euo pipefail
cache="${KUBEOIDC_CACHE:-$HOME/.cache/kubeoidc}"
dest="$cache/bin/kube-apiserver"
if [ -x "$dest" ]; then echo "$dest"; exit 0; fi
mkdir -p "$cache/bin" "$cache/src"
exec 9>"$cache/kube-apiserver.lock"
flock 9
if [ -x "$dest" ]; then echo "$dest"; exit 0; fi

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
DEBIAN_FRONTEND=noninteractive sudo_if apt-get install -y -qq golang-go rsync make dpkg-dev \
  golang-github-modern-go-reflect2-dev golang-github-json-iterator-go-dev >&2

cd "$cache/src"
if [ ! -d kubernetes-1.20.2 ]; then
  rm -rf kubernetes-* kubernetes_*
  apt-get source --download-only kubernetes >&2
  dpkg-source --no-check -x kubernetes_*.dsc kubernetes-1.20.2 >&2
fi
tree="$cache/src/kubernetes-1.20.2"
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
cd .go/src/k8s.io/kubernetes
export GOPATH="$tree/.go" GO111MODULE=off CGO_ENABLED=0 HOME="$home" GOFLAGS=
make generated_files >&2
go build -ldflags '-s -w' -o "$dest.tmp" ./cmd/kube-apiserver >&2
mv "$dest.tmp" "$dest"
rm -rf "$home"
echo "$dest"
