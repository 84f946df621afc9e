package backendtest

import (
	"strings"
	"testing"
)

// Duplicate subtest names would be renamed "#01" by the testing package and
// hide a case behind its twin's name.
func TestCaseNamesAreUniqueAndDescriptive(t *testing.T) {
	names := Cases()
	if len(names) < 70 {
		t.Fatalf("%d cases; the suite is meant to cover every rule with 70 or more", len(names))
	}
	seen := map[string]bool{}
	for _, n := range names {
		if seen[n] {
			t.Errorf("case %q appears twice", n)
		}
		seen[n] = true
		group, name, _ := strings.Cut(n, "/")
		if group == "" || len(strings.Fields(name)) < 3 {
			t.Errorf("case %q: name it after the rule it checks", n)
		}
	}
}

func TestRandomAlnum(t *testing.T) {
	a, b := randomAlnum(10), randomAlnum(10)
	if len(a) != 10 || a == b {
		t.Fatalf("run prefixes %q and %q must be 10 characters and differ", a, b)
	}
	for _, r := range a {
		if !strings.ContainsRune("abcdefghijklmnopqrstuvwxyz0123456789", r) {
			t.Fatalf("%q: prefix characters must be valid in names and filter values", a)
		}
	}
}
