package cli

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/backend/wire"
)

// The AWS CLI accepts structured parameters in a "shorthand" syntax as well
// as JSON: `Key=name,Values=prod/,dev/` is the filter
// {"Key":"name","Values":["prod/","dev/"]}. A value runs until the next
// `,key=`; several comma-separated items make a list; `[a,b]` is an explicit
// list; items may be quoted with "" or '' and a backslash escapes the next
// character.

// shValue is one shorthand value: a scalar, or a list when isList.
type shValue struct {
	scalar string
	list   []string
	isList bool
}

// items returns the value as a list (a scalar is a list of one).
func (v shValue) items() []string {
	if v.isList {
		return v.list
	}
	return []string{v.scalar}
}

// shPair is one key=value of a shorthand expression, in input order.
type shPair struct {
	key string
	val shValue
}

// parseShorthand parses one shorthand expression.
func parseShorthand(s string) ([]shPair, error) {
	p := shParser{s: s}
	var out []shPair
	if strings.TrimSpace(s) == "" {
		return nil, fmt.Errorf("expected key=value, got an empty string")
	}
	for {
		p.skipSpace()
		key, err := p.key()
		if err != nil {
			return nil, err
		}
		val, err := p.value()
		if err != nil {
			return nil, err
		}
		for _, prev := range out {
			if prev.key == key {
				return nil, fmt.Errorf("key %q given twice", key)
			}
		}
		out = append(out, shPair{key, val})
		p.skipSpace()
		if p.eof() {
			return out, nil
		}
		if p.s[p.i] != ',' {
			return nil, p.errorf("expected ','")
		}
		p.i++
	}
}

type shParser struct {
	s string
	i int
}

func (p *shParser) eof() bool { return p.i >= len(p.s) }

func (p *shParser) errorf(format string, args ...any) error {
	return fmt.Errorf("%s at position %d in %q", fmt.Sprintf(format, args...), p.i, p.s)
}

func (p *shParser) skipSpace() {
	for !p.eof() && (p.s[p.i] == ' ' || p.s[p.i] == '\t') {
		p.i++
	}
}

func isKeyChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '_' || c == '-' || c == '.' || c == ':'
}

func (p *shParser) key() (string, error) {
	start := p.i
	for !p.eof() && isKeyChar(p.s[p.i]) {
		p.i++
	}
	if p.i == start {
		return "", p.errorf("expected a key")
	}
	key := p.s[start:p.i]
	p.skipSpace()
	if p.eof() || p.s[p.i] != '=' {
		return "", p.errorf("expected '=' after key %q", key)
	}
	p.i++
	return key, nil
}

// atKey reports whether the text at i starts a new `key=`.
func (p *shParser) atKey(i int) bool {
	for i < len(p.s) && (p.s[i] == ' ' || p.s[i] == '\t') {
		i++
	}
	start := i
	for i < len(p.s) && isKeyChar(p.s[i]) {
		i++
	}
	if i == start {
		return false
	}
	for i < len(p.s) && (p.s[i] == ' ' || p.s[i] == '\t') {
		i++
	}
	return i < len(p.s) && p.s[i] == '='
}

func (p *shParser) value() (shValue, error) {
	p.skipSpace()
	if !p.eof() && p.s[p.i] == '[' {
		p.i++
		var list []string
		p.skipSpace()
		if !p.eof() && p.s[p.i] == ']' {
			p.i++
			return shValue{list: []string{}, isList: true}, nil
		}
		for {
			item, err := p.item(true)
			if err != nil {
				return shValue{}, err
			}
			list = append(list, item)
			p.skipSpace()
			if p.eof() {
				return shValue{}, p.errorf("missing ']'")
			}
			if p.s[p.i] == ']' {
				p.i++
				return shValue{list: list, isList: true}, nil
			}
			if p.s[p.i] != ',' {
				return shValue{}, p.errorf("expected ',' or ']'")
			}
			p.i++
		}
	}
	first, err := p.item(false)
	if err != nil {
		return shValue{}, err
	}
	v := shValue{scalar: first}
	for !p.eof() && p.s[p.i] == ',' && !p.atKey(p.i+1) {
		p.i++
		next, err := p.item(false)
		if err != nil {
			return shValue{}, err
		}
		if !v.isList {
			v = shValue{list: []string{first}, isList: true}
		}
		v.list = append(v.list, next)
	}
	return v, nil
}

// item reads one quoted or unquoted item. Unquoted items end at an
// unescaped ',' (or ']' inside a list) and have surrounding blanks trimmed.
func (p *shParser) item(inList bool) (string, error) {
	p.skipSpace()
	if !p.eof() && (p.s[p.i] == '"' || p.s[p.i] == '\'') {
		q := p.s[p.i]
		p.i++
		var b strings.Builder
		for {
			if p.eof() {
				return "", p.errorf("missing closing %c", q)
			}
			c := p.s[p.i]
			switch {
			case c == '\\' && p.i+1 < len(p.s):
				b.WriteByte(p.s[p.i+1])
				p.i += 2
			case c == q:
				p.i++
				return b.String(), nil
			default:
				b.WriteByte(c)
				p.i++
			}
		}
	}
	var b strings.Builder
	trailing := 0 // unescaped blanks at the end, trimmed
	for !p.eof() {
		c := p.s[p.i]
		if c == ',' || inList && c == ']' {
			break
		}
		if inList && c == '[' {
			return "", p.errorf("nested lists are not supported")
		}
		if c == '\\' && p.i+1 < len(p.s) {
			b.WriteByte(p.s[p.i+1])
			p.i += 2
			trailing = 0
			continue
		}
		b.WriteByte(c)
		if c == ' ' || c == '\t' {
			trailing++
		} else {
			trailing = 0
		}
		p.i++
	}
	out := b.String()
	return out[:len(out)-trailing], nil
}

// quoteShorthand renders pairs so that parseShorthand reads them back
// unchanged; every item is double-quoted.
func quoteShorthand(pairs []shPair) string {
	var b strings.Builder
	q := func(s string) {
		b.WriteByte('"')
		for i := 0; i < len(s); i++ {
			if s[i] == '"' || s[i] == '\\' {
				b.WriteByte('\\')
			}
			b.WriteByte(s[i])
		}
		b.WriteByte('"')
	}
	for i, p := range pairs {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(p.key)
		b.WriteByte('=')
		if p.val.isList {
			b.WriteByte('[')
			for j, it := range p.val.list {
				if j > 0 {
					b.WriteByte(',')
				}
				q(it)
			}
			b.WriteByte(']')
		} else {
			q(p.val.scalar)
		}
	}
	return b.String()
}

// isJSONArg reports whether a parameter value is JSON rather than
// shorthand, the way the AWS CLI decides: it starts with '[' or '{'.
func isJSONArg(s string) bool {
	t := strings.TrimLeft(s, " \t\r\n")
	return strings.HasPrefix(t, "[") || strings.HasPrefix(t, "{")
}

func decodeStrict(s string, v any) error {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return fmt.Errorf("unexpected data after the JSON value")
	}
	return nil
}

// structArgs decodes a list-of-structures parameter given either as one
// JSON list, as JSON objects, or as shorthand expressions (one per arg).
// fromShorthand converts one shorthand expression into the JSON form.
func structArgs[T any](param string, args []string, fromShorthand func([]shPair) (T, error)) ([]T, error) {
	var out []T
	for _, a := range args {
		t := strings.TrimLeft(a, " \t\r\n")
		switch {
		case strings.HasPrefix(t, "["):
			var list []T
			if err := decodeStrict(a, &list); err != nil {
				return nil, fmt.Errorf("invalid JSON for --%s: %w", param, err)
			}
			out = append(out, list...)
		case strings.HasPrefix(t, "{"):
			var one T
			if err := decodeStrict(a, &one); err != nil {
				return nil, fmt.Errorf("invalid JSON for --%s: %w", param, err)
			}
			out = append(out, one)
		default:
			pairs, err := parseShorthand(a)
			if err != nil {
				return nil, fmt.Errorf("error parsing parameter '--%s': %w", param, err)
			}
			one, err := fromShorthand(pairs)
			if err != nil {
				return nil, fmt.Errorf("error parsing parameter '--%s': %w", param, err)
			}
			out = append(out, one)
		}
	}
	return out, nil
}

// parseFilters decodes --filters.
func parseFilters(args []string) ([]backend.Filter, error) {
	list, err := structArgs("filters", args, func(pairs []shPair) (wire.Filter, error) {
		var f wire.Filter
		for _, p := range pairs {
			switch p.key {
			case "Key":
				if p.val.isList {
					//lint:ignore ST1005 "Key" is the parameter's name, capitalised as the AWS CLI spells it
					return f, fmt.Errorf("Key takes one value")
				}
				f.Key = p.val.scalar
			case "Values":
				f.Values = p.val.items()
			default:
				return f, fmt.Errorf("unknown key %q, valid keys are: Key, Values", p.key)
			}
		}
		return f, nil
	})
	if err != nil {
		return nil, err
	}
	return wire.FromFilters(list), nil
}

// parseTags decodes --tags.
func parseTags(args []string) ([]backend.Tag, error) {
	list, err := structArgs("tags", args, func(pairs []shPair) (wire.Tag, error) {
		var t wire.Tag
		for _, p := range pairs {
			if p.val.isList {
				return t, fmt.Errorf("%s takes one value", p.key)
			}
			switch p.key {
			case "Key":
				t.Key = &p.val.scalar
			case "Value":
				t.Value = &p.val.scalar
			default:
				return t, fmt.Errorf("unknown key %q, valid keys are: Key, Value", p.key)
			}
		}
		return t, nil
	})
	if err != nil {
		return nil, err
	}
	return wire.FromTags(list), nil
}

// parseStringList decodes a list-of-strings parameter: separate args, a
// JSON list, or comma-separated shorthand.
func parseStringList(param string, args []string) ([]string, error) {
	var out []string
	for _, a := range args {
		if strings.HasPrefix(strings.TrimLeft(a, " \t\r\n"), "[") {
			var list []string
			if err := decodeStrict(a, &list); err != nil {
				return nil, fmt.Errorf("invalid JSON for --%s: %w", param, err)
			}
			out = append(out, list...)
			continue
		}
		p := shParser{s: a}
		for {
			item, err := p.item(false)
			if err != nil {
				return nil, fmt.Errorf("error parsing parameter '--%s': %w", param, err)
			}
			out = append(out, item)
			if p.eof() {
				break
			}
			p.i++ // the ','
		}
	}
	return out, nil
}
