package main

// .helmignore as Helm applies it when it loads a chart from a directory (helm.sh/helm/v3 pkg/ignore and
// pkg/chart/loader): the rules below are a port of pkg/ignore/rules.go, so a file Helm would leave out of the chart
// is left out of the rendering too (a `tests/` rule, for instance, also drops `templates/tests/`).

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
)

type ignorePattern struct {
	negate  bool
	mustDir bool
	match   func(name string) bool
}

// ignoreRules are the chart's .helmignore rules plus Helm's default (`templates/.?*`).
type ignoreRules []ignorePattern

func loadIgnoreRules(chartDir string) (ignoreRules, error) {
	rules := ignoreRules{}
	if err := rules.parse("templates/.?*"); err != nil {
		return nil, err
	}
	data, err := os.ReadFile(filepath.Join(chartDir, ".helmignore"))
	if errors.Is(err, os.ErrNotExist) {
		return rules, nil
	}
	if err != nil {
		return nil, err
	}
	for _, line := range strings.Split(string(data), "\n") {
		if err := rules.parse(line); err != nil {
			return nil, err
		}
	}
	return rules, nil
}

func (r *ignoreRules) parse(rule string) error {
	rule = strings.TrimSpace(rule)
	if rule == "" || strings.HasPrefix(rule, "#") {
		return nil
	}
	if strings.Contains(rule, "**") {
		return errors.New(".helmignore: double-star (**) syntax is not supported")
	}
	if _, err := filepath.Match(rule, "abc"); err != nil {
		return err
	}
	p := ignorePattern{}
	if strings.HasPrefix(rule, "!") {
		p.negate = true
		rule = rule[1:]
	}
	if strings.HasSuffix(rule, "/") {
		p.mustDir = true
		rule = strings.TrimSuffix(rule, "/")
	}
	switch {
	case strings.HasPrefix(rule, "/"):
		// Anchored at the chart's root.
		anchored := strings.TrimPrefix(rule, "/")
		p.match = func(name string) bool { ok, _ := filepath.Match(anchored, name); return ok }
	case strings.Contains(rule, "/"):
		p.match = func(name string) bool { ok, _ := filepath.Match(rule, name); return ok }
	default:
		// No slash: only the base name is matched, at any depth.
		p.match = func(name string) bool { ok, _ := filepath.Match(rule, filepath.Base(name)); return ok }
	}
	*r = append(*r, p)
	return nil
}

// ignored tells whether Helm leaves out `name` (slash-separated, relative to the chart's root).
func (r ignoreRules) ignored(name string, isDir bool) bool {
	if name == "" || name == "." || name == "./" {
		return false
	}
	for _, p := range r {
		if p.negate {
			if p.mustDir && !isDir {
				return true
			}
			if !p.match(name) {
				return true
			}
			continue
		}
		if p.mustDir && !isDir {
			continue
		}
		if p.match(name) {
			return true
		}
	}
	return false
}
