// helm-render renders a Helm chart's templates the way `helm template` does, for tests on machines without the
// helm binary. Built in GOPATH mode against Debian's Go packages (golang-github-masterminds-sprig-dev,
// golang-k8s-sigs-yaml-dev); see test/support/helm-render.ts.
//
//	helm-render -chart DIR [-f values.yaml]... [-name RELEASE] [-namespace NS] [-kube-version v1.20.0] [-api-versions a,b]
//
// It prints one JSON object: {"manifests": {"<chart>/templates/<file>": "<rendered text>"}, "notes": "<NOTES.txt>"}.
// Like Helm: values.yaml coalesced with each -f file (a null removes a key), .Release/.Chart/.Capabilities/.Template,
// sprig's functions without env/expandenv, include, tpl, required, toYaml, fromYaml, toJson, fromJson, lookup (always
// empty, as in `helm template`), files starting with "_" are partials only, a missing key renders as "", and files the
// chart's .helmignore excludes are not loaded (helmignore.go).
// Not implemented: .Files, subcharts, schema validation (the tests validate values.schema.json with ajv).
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/template"

	"github.com/Masterminds/sprig"
	"sigs.k8s.io/yaml"
)

type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

// apiVersions mirrors Helm's .Capabilities.APIVersions.
type apiVersions []string

func (a apiVersions) Has(v string) bool {
	for _, x := range a {
		if x == v {
			return true
		}
	}
	return false
}

func readYAML(path string) (map[string]interface{}, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	out := map[string]interface{}{}
	if err := yaml.Unmarshal(data, &out); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return out, nil
}

// coalesce merges src over dst like Helm: maps merge recursively, a null in src deletes the key.
func coalesce(dst, src map[string]interface{}) map[string]interface{} {
	for k, v := range src {
		if v == nil {
			delete(dst, k)
			continue
		}
		sm, sok := v.(map[string]interface{})
		dm, dok := dst[k].(map[string]interface{})
		if sok && dok {
			dst[k] = coalesce(dm, sm)
		} else {
			dst[k] = v
		}
	}
	return dst
}

func toYAML(v interface{}) string {
	data, err := yaml.Marshal(v)
	if err != nil {
		return ""
	}
	return strings.TrimSuffix(string(data), "\n")
}

func main() {
	chartDir := flag.String("chart", "", "chart directory")
	name := flag.String("name", "release-name", "release name")
	namespace := flag.String("namespace", "default", "release namespace")
	kubeVersion := flag.String("kube-version", "v1.20.0", "Kubernetes version for .Capabilities")
	apis := flag.String("api-versions", "", "extra comma-separated API versions for .Capabilities.APIVersions")
	var valueFiles stringList
	flag.Var(&valueFiles, "f", "values file (repeatable)")
	flag.Parse()
	if err := run(*chartDir, *name, *namespace, *kubeVersion, *apis, valueFiles); err != nil {
		fmt.Fprintln(os.Stderr, "helm-render:", err)
		os.Exit(1)
	}
}

func run(chartDir, name, namespace, kubeVersion, apis string, valueFiles []string) error {
	meta, err := readYAML(filepath.Join(chartDir, "Chart.yaml"))
	if err != nil {
		return err
	}
	values, err := readYAML(filepath.Join(chartDir, "values.yaml"))
	if err != nil {
		return err
	}
	for _, f := range valueFiles {
		user, err := readYAML(f)
		if err != nil {
			return err
		}
		values = coalesce(values, user)
	}
	chartName, _ := meta["name"].(string)
	chart := map[string]interface{}{}
	for k, v := range meta {
		chart[strings.ToUpper(k[:1])+k[1:]] = v
	}
	chart["APIVersion"] = meta["apiVersion"]
	versions := apiVersions{"v1", "apps/v1", "rbac.authorization.k8s.io/v1", "networking.k8s.io/v1", "policy/v1beta1",
		"coordination.k8s.io/v1", "apiextensions.k8s.io/v1"}
	if apis != "" {
		versions = append(versions, strings.Split(apis, ",")...)
	}
	minor := strings.SplitN(strings.TrimPrefix(kubeVersion, "v"), ".", 3)
	capabilities := map[string]interface{}{
		"KubeVersion": map[string]interface{}{"Version": kubeVersion, "GitVersion": kubeVersion, "Major": minor[0], "Minor": minor[1]},
		"APIVersions": versions,
	}
	release := map[string]interface{}{"Name": name, "Namespace": namespace, "Service": "Helm", "IsInstall": true,
		"IsUpgrade": false, "Revision": 1}

	root := template.New("gotpl").Option("missingkey=zero")
	funcs := sprig.TxtFuncMap()
	delete(funcs, "env")
	delete(funcs, "expandenv")
	funcs["toYaml"] = toYAML
	funcs["fromYaml"] = func(s string) map[string]interface{} {
		m := map[string]interface{}{}
		if err := yaml.Unmarshal([]byte(s), &m); err != nil {
			m["Error"] = err.Error()
		}
		return m
	}
	funcs["toJson"] = func(v interface{}) string {
		data, err := json.Marshal(v)
		if err != nil {
			return ""
		}
		return string(data)
	}
	funcs["fromJson"] = func(s string) map[string]interface{} {
		m := map[string]interface{}{}
		if err := json.Unmarshal([]byte(s), &m); err != nil {
			m["Error"] = err.Error()
		}
		return m
	}
	funcs["required"] = func(msg string, v interface{}) (interface{}, error) {
		if v == nil {
			return nil, errors.New(msg)
		}
		if s, ok := v.(string); ok && s == "" {
			return nil, errors.New(msg)
		}
		return v, nil
	}
	funcs["lookup"] = func(string, string, string, string) (map[string]interface{}, error) {
		return map[string]interface{}{}, nil
	}
	funcs["include"] = func(name string, data interface{}) (string, error) {
		var buf bytes.Buffer
		if err := root.ExecuteTemplate(&buf, name, data); err != nil {
			return "", err
		}
		return buf.String(), nil
	}
	funcs["tpl"] = func(text string, data interface{}) (string, error) {
		clone, err := root.Clone()
		if err != nil {
			return "", err
		}
		t, err := clone.New("tpl").Parse(text)
		if err != nil {
			return "", err
		}
		var buf bytes.Buffer
		if err := t.Execute(&buf, data); err != nil {
			return "", err
		}
		return strings.ReplaceAll(buf.String(), "<no value>", ""), nil
	}
	root.Funcs(funcs)

	// Parse every file under templates/ that Helm loads (see helmignore.go) into one set, named as Helm names them:
	// <chart>/templates/<path>.
	rules, err := loadIgnoreRules(chartDir)
	if err != nil {
		return err
	}
	var names []string
	err = filepath.WalkDir(chartDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(chartDir, path)
		rel = filepath.ToSlash(rel)
		if rules.ignored(rel, d.IsDir()) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() || !strings.HasPrefix(rel, "templates/") {
			return nil
		}
		tname := chartName + "/" + rel
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if _, err := root.New(tname).Parse(string(data)); err != nil {
			return err
		}
		names = append(names, tname)
		return nil
	})
	if err != nil {
		return err
	}
	sort.Strings(names)

	out := struct {
		Manifests map[string]string `json:"manifests"`
		Notes     string            `json:"notes"`
	}{Manifests: map[string]string{}}
	for _, tname := range names {
		base := filepath.Base(tname)
		if strings.HasPrefix(base, "_") {
			continue
		}
		data := map[string]interface{}{
			"Values": values, "Release": release, "Chart": chart, "Capabilities": capabilities,
			"Template": map[string]interface{}{"Name": tname, "BasePath": chartName + "/templates"},
		}
		var buf bytes.Buffer
		if err := root.ExecuteTemplate(&buf, tname, data); err != nil {
			return err
		}
		text := strings.ReplaceAll(buf.String(), "<no value>", "")
		if base == "NOTES.txt" {
			out.Notes = text
		} else if strings.HasSuffix(base, ".yaml") || strings.HasSuffix(base, ".yml") {
			out.Manifests[tname] = text
		}
	}
	return json.NewEncoder(os.Stdout).Encode(out)
}
