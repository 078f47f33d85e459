package config

import (
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// EnabledPlugins reads, without running it, the settings text of
// [[local|localrc]]: the names given to `enable_plugin NAME URL [REF]`,
// in order, and DEST when it is assigned a plain value (else "").
// Before a run, that is enough to find the plugins already on disk.
func EnabledPlugins(text string) (dest string, names []string) {
	file, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(strings.NewReader(text), "localrc")
	if err != nil {
		return "", nil
	}
	syntax.Walk(file, func(node syntax.Node) bool {
		call, ok := node.(*syntax.CallExpr)
		if !ok {
			return true
		}
		for _, assign := range call.Assigns {
			if assign.Name.Value == "DEST" && assign.Value != nil && assign.Value.Lit() != "" {
				dest = assign.Value.Lit()
			}
		}
		if len(call.Args) >= 3 && call.Args[0].Lit() == "enable_plugin" && call.Args[1].Lit() != "" {
			names = append(names, call.Args[1].Lit())
		}
		return true
	})
	return dest, names
}
