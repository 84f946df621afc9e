// Package fieldpath names a place inside a JSON value — db.password,
// hosts[0], ["key.with.dots"] — and finds it. The console shows these paths
// in its field tree and copies the value at one; `secretary get --field`
// reads the same paths, so a command the console copies runs as shown.
package fieldpath

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// Step is one step of a path: a key of an object, or an index of an array
// when IsIndex.
type Step struct {
	Key     string
	Index   int
	IsIndex bool
}

// plainKey is a key written after a dot; any other key is written as a
// quoted JSON string in brackets.
var plainKey = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]*$`) })

// Format writes steps as a path: keys joined by dots, indices and unusual
// keys in brackets.
func Format(steps []Step) string {
	var b strings.Builder
	for _, s := range steps {
		switch {
		case s.IsIndex:
			b.WriteString("[" + strconv.Itoa(s.Index) + "]")
		case plainKey().MatchString(s.Key):
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(s.Key)
		default:
			q, _ := json.Marshal(s.Key)
			b.WriteString("[" + string(q) + "]")
		}
	}
	return b.String()
}

// Parse reads a path written as Format writes it.
func Parse(path string) ([]Step, error) {
	var steps []Step
	rest := path
	for first := true; rest != ""; first = false {
		switch {
		case strings.HasPrefix(rest, "["):
			end := closing(rest)
			if end < 0 {
				return nil, fmt.Errorf("path %q: unclosed [", path)
			}
			inner := rest[1:end]
			rest = rest[end+1:]
			if strings.HasPrefix(inner, `"`) {
				var k string
				if err := json.Unmarshal([]byte(inner), &k); err != nil {
					return nil, fmt.Errorf("path %q: bad quoted key %s", path, inner)
				}
				steps = append(steps, Step{Key: k})
				continue
			}
			i, err := strconv.Atoi(inner)
			if err != nil || i < 0 {
				return nil, fmt.Errorf("path %q: [%s] is neither an index nor a quoted key", path, inner)
			}
			steps = append(steps, Step{Index: i, IsIndex: true})
		default:
			if !first {
				if !strings.HasPrefix(rest, ".") {
					return nil, fmt.Errorf("path %q: expected . or [ before %q", path, rest)
				}
				rest = rest[1:]
			}
			n := strings.IndexAny(rest, ".[")
			if n < 0 {
				n = len(rest)
			}
			if n == 0 {
				return nil, fmt.Errorf("path %q: empty key", path)
			}
			steps = append(steps, Step{Key: rest[:n]})
			rest = rest[n:]
		}
	}
	if len(steps) == 0 {
		return nil, errors.New("empty path")
	}
	return steps, nil
}

// closing finds the ] that ends the bracket s starts with, skipping a
// quoted key's contents.
func closing(s string) int {
	inQuote, esc := false, false
	for i := 1; i < len(s); i++ {
		c := s[i]
		switch {
		case esc:
			esc = false
		case inQuote && c == '\\':
			esc = true
		case c == '"':
			inQuote = !inQuote
		case c == ']' && !inQuote:
			return i
		}
	}
	return -1
}

// ErrNotFound says the value has nothing at the path.
var ErrNotFound = errors.New("no such field")

// Lookup returns the raw JSON at path in doc. A path that names a key of
// the top-level object exactly ("a.b" as one key) finds it first, so keys
// with dots keep working as they did before paths.
func Lookup(doc, path string) (json.RawMessage, error) {
	var top map[string]json.RawMessage
	if json.Unmarshal([]byte(doc), &top) == nil && top != nil {
		if raw, ok := top[path]; ok {
			return raw, nil
		}
	}
	steps, err := Parse(path)
	if err != nil {
		return nil, err
	}
	cur := json.RawMessage(doc)
	for i, s := range steps {
		where := Format(steps[:i+1])
		if s.IsIndex {
			var arr []json.RawMessage
			if json.Unmarshal(cur, &arr) != nil {
				return nil, fmt.Errorf("%w %s: %s is not an array", ErrNotFound, where, orRoot(Format(steps[:i])))
			}
			if s.Index >= len(arr) {
				return nil, fmt.Errorf("%w %s", ErrNotFound, where)
			}
			cur = arr[s.Index]
			continue
		}
		var obj map[string]json.RawMessage
		if json.Unmarshal(cur, &obj) != nil || obj == nil {
			return nil, fmt.Errorf("%w %s: %s is not an object", ErrNotFound, where, orRoot(Format(steps[:i])))
		}
		raw, ok := obj[s.Key]
		if !ok {
			return nil, fmt.Errorf("%w %s", ErrNotFound, where)
		}
		cur = raw
	}
	return cur, nil
}

func orRoot(p string) string {
	if p == "" {
		return "the value"
	}
	return p
}

// Text renders one JSON value for copying or printing: a string as it is,
// null as nothing, anything else as compact JSON (numbers exactly as
// written).
func Text(raw json.RawMessage) string {
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return s
	}
	if string(bytes.TrimSpace(raw)) == "null" {
		return ""
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, raw); err != nil {
		return string(raw)
	}
	return buf.String()
}

// shown is Text without its null rule: a tree row says null.
func shown(raw json.RawMessage) string {
	if string(bytes.TrimSpace(raw)) == "null" {
		return "null"
	}
	return Text(raw)
}

// Node is one row of a value's tree: a member of an object or an element
// of an array, at any depth, in the order the value stores them.
type Node struct {
	// Path names the node from the top (db.password, hosts[0]).
	Path string
	// Label is the node's own step: its key, or [i] for an element.
	Label string
	Depth int
	// Kind is '{' for an object, '[' for an array, 0 for anything else.
	Kind byte
	// Len is the number of members of an object or array.
	Len int
	// Value is the node's text: a string as it is, anything else (null,
	// an object, an array) as compact JSON.
	Value string
}

// Tree lists every member of a JSON object or array, depth first, parents
// before their children. ok is false when s is not a JSON object or array.
func Tree(s string) (nodes []Node, ok bool) {
	t := strings.TrimSpace(s)
	if !strings.HasPrefix(t, "{") && !strings.HasPrefix(t, "[") || !json.Valid([]byte(t)) {
		return nil, false
	}
	if err := walk(json.RawMessage(t), nil, &nodes); err != nil {
		return nil, false
	}
	return nodes, true
}

// walk appends the members of the container raw, found at steps.
func walk(raw json.RawMessage, steps []Step, out *[]Node) error {
	add := func(s Step, label string, v json.RawMessage) error {
		p := append(steps[:len(steps):len(steps)], s)
		n := Node{Path: Format(p), Label: label, Depth: len(steps), Value: shown(v)}
		switch t := bytes.TrimSpace(v); {
		case len(t) > 0 && t[0] == '{':
			n.Kind = '{'
		case len(t) > 0 && t[0] == '[':
			n.Kind = '['
		}
		i := len(*out)
		*out = append(*out, n)
		if n.Kind == 0 {
			return nil
		}
		before := len(*out)
		if err := walk(v, p, out); err != nil {
			return err
		}
		// Count direct children only.
		for _, c := range (*out)[before:] {
			if c.Depth == n.Depth+1 {
				(*out)[i].Len++
			}
		}
		return nil
	}
	t := bytes.TrimSpace(raw)
	if t[0] == '[' {
		var arr []json.RawMessage
		if err := json.Unmarshal(t, &arr); err != nil {
			return err
		}
		for i, v := range arr {
			if err := add(Step{Index: i, IsIndex: true}, "["+strconv.Itoa(i)+"]", v); err != nil {
				return err
			}
		}
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(t))
	dec.UseNumber()
	if _, err := dec.Token(); err != nil {
		return err
	}
	for dec.More() {
		kt, err := dec.Token()
		if err != nil {
			return err
		}
		k, _ := kt.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return err
		}
		if err := add(Step{Key: k}, k, v); err != nil {
			return err
		}
	}
	return nil
}
