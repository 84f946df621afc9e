// Package diff compares two secret values: key by key when both are JSON
// objects (the usual shape of credentials), line by line otherwise. It
// only compares: the console's versions page draws the result.
package diff

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
)

// Mask stands in for a value that is not revealed. It has a fixed width so
// it gives away nothing about the value's length.
const Mask = "••••••"

// Op says how a line differs between the old and the new value.
type Op int

// The kinds of difference.
const (
	Unchanged Op = iota
	Added
	Removed
	// Changed is used for JSON keys only: a text line that changed is a
	// Removed line followed by an Added one.
	Changed
)

func (o Op) String() string {
	switch o {
	case Added:
		return "added"
	case Removed:
		return "removed"
	case Changed:
		return "changed"
	default:
		return "unchanged"
	}
}

// Kind says what a Line is a line of.
type Kind int

// A diff is either per key or per line.
const (
	// KindKey lines compare one key of two JSON objects.
	KindKey Kind = iota
	// KindText lines compare one line of two texts.
	KindText
)

// Line is one line of a diff.
type Line struct {
	Kind Kind
	Op   Op
	// Key is the JSON key (KindKey only).
	Key string
	// Old and New are the values on each side: for KindKey a string value
	// as it is and anything else as compact JSON; for KindText the line.
	// Only the side(s) that exist for Op are set.
	Old, New string
	// OldLine and NewLine are 1-based line numbers (KindText only; 0 on
	// the side a line does not exist).
	OldLine, NewLine int
}

// Values compares two secret values. When both are JSON objects the result
// has one KindKey line per key (in the old value's key order, added keys
// placed after the key that precedes them in the new value); otherwise one
// KindText line per line of a shortest line diff.
func Values(old, new string) []Line {
	if oldObj, err := parseObject(old); err == nil {
		if newObj, err := parseObject(new); err == nil {
			return keys(oldObj, newObj)
		}
	}
	return lines(old, new)
}

// IsObject reports whether s is a JSON object, the shape Values compares
// key by key.
func IsObject(s string) bool {
	_, err := parseObject(s)
	return err == nil
}

// member is one key of a JSON object with its value as compact JSON, and
// canon, the decoded value encoded one way: "\u003c" and "<" are the same
// string, so they compare equal, whatever encoder wrote the value.
type member struct {
	key   string
	raw   string
	canon string
}

// Canonical returns raw JSON decoded and encoded again in one form (no
// HTML escaping, object keys sorted, numbers as written), so two encodings
// of the same value are equal; raw that does not decode is returned as is.
func Canonical(raw string) string {
	dec := json.NewDecoder(strings.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return raw
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return raw
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// parseObject reads a JSON object keeping its key order. A key given twice
// keeps its first position and its last value, as encoding/json would
// decode it.
func parseObject(s string) ([]member, error) {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, errors.New("not a JSON object")
	}
	var out []member
	index := map[string]int{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key, ok := tok.(string)
		if !ok {
			return nil, errors.New("object key is not a string")
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, err
		}
		var buf bytes.Buffer
		if err := json.Compact(&buf, raw); err != nil {
			return nil, err
		}
		c := Canonical(buf.String())
		if i, dup := index[key]; dup {
			out[i].raw, out[i].canon = buf.String(), c
			continue
		}
		index[key] = len(out)
		out = append(out, member{key: key, raw: buf.String(), canon: c})
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("data after the JSON object")
	}
	return out, nil
}

// display turns a compact JSON value into what an operator reads: a string
// without its quotes and escapes, anything else as JSON.
func display(raw string) string {
	if strings.HasPrefix(raw, `"`) {
		var s string
		if json.Unmarshal([]byte(raw), &s) == nil {
			return s
		}
	}
	return raw
}

func keys(old, new []member) []Line {
	oldByKey := make(map[string]string, len(old))
	for _, m := range old {
		oldByKey[m.key] = m.raw
	}
	newByKey := make(map[string]member, len(new))
	for _, m := range new {
		newByKey[m.key] = m
	}
	// Added keys follow the nearest key before them in the new value that
	// the old value also has; those with none go first.
	after := map[string][]member{}
	var leading []member
	anchor, anchored := "", false
	for _, m := range new {
		if _, ok := oldByKey[m.key]; ok {
			anchor, anchored = m.key, true
			continue
		}
		if anchored {
			after[anchor] = append(after[anchor], m)
		} else {
			leading = append(leading, m)
		}
	}
	out := make([]Line, 0, len(old)+len(new))
	added := func(ms []member) {
		for _, m := range ms {
			out = append(out, Line{Kind: KindKey, Op: Added, Key: m.key, New: display(m.raw)})
		}
	}
	added(leading)
	for _, m := range old {
		nv, ok := newByKey[m.key]
		switch {
		case !ok:
			out = append(out, Line{Kind: KindKey, Op: Removed, Key: m.key, Old: display(m.raw)})
		case nv.canon == m.canon:
			v := display(m.raw)
			out = append(out, Line{Kind: KindKey, Op: Unchanged, Key: m.key, Old: v, New: v})
		default:
			out = append(out, Line{Kind: KindKey, Op: Changed, Key: m.key, Old: display(m.raw), New: display(nv.raw)})
		}
		added(after[m.key])
	}
	return out
}

// splitLines splits a text into lines; a final newline does not start an
// empty last line, and "" has no lines.
func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	s = strings.TrimSuffix(s, "\n")
	return strings.Split(s, "\n")
}

func lines(old, new string) []Line {
	a, b := splitLines(old), splitLines(new)
	ops := lineScript(a, b)
	out := make([]Line, 0, len(ops))
	i, j := 0, 0
	for _, op := range ops {
		switch op {
		case Unchanged:
			out = append(out, Line{Kind: KindText, Op: Unchanged, Old: a[i], New: b[j], OldLine: i + 1, NewLine: j + 1})
			i++
			j++
		case Removed:
			out = append(out, Line{Kind: KindText, Op: Removed, Old: a[i], OldLine: i + 1})
			i++
		case Added:
			out = append(out, Line{Kind: KindText, Op: Added, New: b[j], NewLine: j + 1})
			j++
		}
	}
	return out
}
