package fieldpath

import (
	"errors"
	"reflect"
	"testing"
)

func TestFormatParseRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		steps []Step
		path  string
	}{
		{[]Step{{Key: "db"}, {Key: "password"}}, "db.password"},
		{[]Step{{Key: "hosts"}, {Index: 0, IsIndex: true}}, "hosts[0]"},
		{[]Step{{Key: "a.b"}, {Key: "c"}}, `["a.b"].c`},
		{[]Step{{Index: 2, IsIndex: true}, {Key: "x"}}, "[2].x"},
		{[]Step{{Key: "with space"}, {Key: `q"]`}}, `["with space"]["q\"]"]`},
		{[]Step{{Key: "db-port"}}, "db-port"},
	} {
		if got := Format(tc.steps); got != tc.path {
			t.Errorf("Format(%v) = %q, want %q", tc.steps, got, tc.path)
		}
		got, err := Parse(tc.path)
		if err != nil || !reflect.DeepEqual(got, tc.steps) {
			t.Errorf("Parse(%q) = %v, %v; want %v", tc.path, got, err, tc.steps)
		}
	}
	for _, bad := range []string{"", "a..b", "a[", "a[x]", "a[-1]", `a["x]`} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) succeeded", bad)
		}
	}
}

const doc = `{"db":{"user":"app","password":"s3cr\u0065t","port":5432},"hosts":["h1",{"name":"h2"}],"a.b":"dotted","n":null}`

func TestLookup(t *testing.T) {
	for path, want := range map[string]string{
		"db.password":   "s3cret",
		"db.port":       "5432",
		"hosts[0]":      "h1",
		"hosts[1].name": "h2",
		"hosts[1]":      `{"name":"h2"}`,
		"a.b":           "dotted", // the top-level key with a dot, as before paths
		`["a.b"]`:       "dotted",
		"n":             "",
	} {
		raw, err := Lookup(doc, path)
		if err != nil {
			t.Errorf("Lookup(%q): %v", path, err)
			continue
		}
		if got := Text(raw); got != want {
			t.Errorf("Lookup(%q) = %q, want %q", path, got, want)
		}
	}
	for _, path := range []string{"db.nope", "hosts[2]", "db.user.x", "hosts.x"} {
		if _, err := Lookup(doc, path); !errors.Is(err, ErrNotFound) {
			t.Errorf("Lookup(%q) = %v, want ErrNotFound", path, err)
		}
	}
}

func TestTree(t *testing.T) {
	nodes, ok := Tree(doc)
	if !ok {
		t.Fatal("not a tree")
	}
	var got []string
	for _, n := range nodes {
		got = append(got, n.Path)
	}
	want := []string{"db", "db.user", "db.password", "db.port", "hosts", "hosts[0]", "hosts[1]", "hosts[1].name", `["a.b"]`, "n"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("paths %q, want %q", got, want)
	}
	if n := nodes[0]; n.Kind != '{' || n.Len != 3 || n.Depth != 0 {
		t.Errorf("db: %+v", n)
	}
	if n := nodes[4]; n.Kind != '[' || n.Len != 2 || n.Label != "hosts" {
		t.Errorf("hosts: %+v", n)
	}
	if n := nodes[7]; n.Depth != 2 || n.Label != "name" || n.Value != "h2" {
		t.Errorf("hosts[1].name: %+v", n)
	}
	if n := nodes[9]; n.Value != "null" {
		t.Errorf("n: %+v", n)
	}
	for _, s := range []string{`"text"`, `42`, `{"a":`, `plain`} {
		if _, ok := Tree(s); ok {
			t.Errorf("Tree(%q) ok", s)
		}
	}
	if nodes, ok := Tree(`[1,[2]]`); !ok || len(nodes) != 3 || nodes[2].Path != "[1][0]" {
		t.Errorf("array tree: %+v %v", nodes, ok)
	}
}
