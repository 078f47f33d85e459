package lifecycle

import (
	"strings"

	"mvdan.cc/sh/v3/expand"

	"devstack/internal/funcs"
)

// isSecretName reports whether a setting holds a secret: its name
// contains PASSWORD, SECRET or TOKEN, or has KEY as one of its words
// (SWIFT_KEY, not KEYSTONE_HOST).
func isSecretName(name string) bool {
	upper := strings.ToUpper(name)
	if strings.Contains(upper, "PASSWORD") || strings.Contains(upper, "SECRET") || strings.Contains(upper, "TOKEN") {
		return true
	}
	for _, word := range strings.Split(upper, "_") {
		if word == "KEY" {
			return true
		}
	}
	return false
}

// secretValue reports whether a secret setting's value is worth masking:
// not a truth value (trueorfalse's), which only clutters the log.
func secretValue(value string) bool {
	_, known := funcs.Truth(value)
	return !known && value != "None"
}

// secretsOf lists the values of the secret settings that each names.
func secretsOf(each func(func(name, value string))) []string {
	var values []string
	each(func(name, value string) {
		if isSecretName(name) && secretValue(value) {
			values = append(values, value)
		}
	})
	return values
}

// updateSecrets hides, from now on, the values of the run's secret
// settings in its logs and on the console.
func (r *Run) updateSecrets() {
	if r.session != nil {
		r.Log.SetSecrets(secretsOf(r.session.EachVar))
	}
}

// updateSecretsFrom is updateSecrets from a running shell's variables.
func (r *Run) updateSecretsFrom(env expand.Environ) {
	r.Log.SetSecrets(secretsOf(func(f func(name, value string)) {
		env.Each(func(name string, vr expand.Variable) bool {
			if vr.IsSet() {
				f(name, vr.String())
			}
			return true
		})
	}))
}
