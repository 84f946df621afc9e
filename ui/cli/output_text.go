package cli

import (
	"bytes"
	"math"
	"sort"
	"strconv"
	"strings"
)

// The AWS CLI's text output (--output text): one line per object, its
// scalar members tab-separated in the order of their sorted keys, nested
// lists and objects on lines of their own that start with their key in
// capitals. Scalars print as Python's str() prints them (True, None).

// pyStr is Python's str() of a plain scalar.
func pyStr(v any) string {
	switch x := v.(type) {
	case nil:
		return "None"
	case string:
		return x
	case bool:
		if x {
			return "True"
		}
		return "False"
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return pyFloat(x)
	}
	return ""
}

// pyFloat is Python's repr of a float: always a decimal point or an
// exponent, so 2.0 stays 2.0.
func pyFloat(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	case math.IsNaN(f):
		return "nan"
	}
	s := strconv.FormatFloat(f, 'g', -1, 64)
	if a := math.Abs(f); a >= 1e16 || (a != 0 && a < 1e-4) {
		s = strconv.FormatFloat(f, 'e', -1, 64)
		// Python writes the exponent with at least two digits: 1e+16.
		if i := strings.IndexAny(s, "e"); i >= 0 && len(s)-i == 3 {
			s = s[:i+2] + "0" + s[i+2:]
		}
		return s
	}
	if !strings.ContainsAny(s, ".e") {
		s += ".0"
	}
	return s
}

func isScalar(v any) bool {
	switch v.(type) {
	case object, []any:
		return false
	}
	return true
}

// formatText writes v as the AWS CLI's text formatter does.
func formatText(buf *bytes.Buffer, v any) {
	textValue(buf, v, "", nil)
}

func textValue(buf *bytes.Buffer, v any, ident string, scalarKeys []string) {
	switch x := v.(type) {
	case object:
		textObject(buf, x, ident, scalarKeys)
	case []any:
		textList(buf, x, ident)
	default:
		buf.WriteString(pyStr(x))
		buf.WriteByte('\n')
	}
}

func textList(buf *bytes.Buffer, list []any, ident string) {
	if len(list) == 0 {
		return
	}
	hasObject, hasList := false, false
	for _, e := range list {
		switch e.(type) {
		case object:
			hasObject = true
		case []any:
			hasList = true
		}
	}
	switch {
	case hasObject:
		// Every object of the list prints the same columns: the scalar
		// keys of all of them, empty where one lacks a key.
		keys := map[string]bool{}
		for _, e := range list {
			if o, ok := e.(object); ok {
				for _, f := range o {
					if isScalar(f.val) {
						keys[f.key] = true
					}
				}
			}
		}
		all := make([]string, 0, len(keys))
		for k := range keys {
			all = append(all, k)
		}
		sort.Strings(all)
		for _, e := range list {
			textValue(buf, e, ident, all)
		}
	case hasList:
		var scalars, rest []any
		for _, e := range list {
			if isScalar(e) {
				scalars = append(scalars, e)
			} else {
				rest = append(rest, e)
			}
		}
		if len(scalars) > 0 {
			textScalars(buf, scalars, ident)
		}
		for _, e := range rest {
			textValue(buf, e, ident, nil)
		}
	default:
		textScalars(buf, list, ident)
	}
}

func textScalars(buf *bytes.Buffer, list []any, ident string) {
	if ident != "" {
		for _, e := range list {
			buf.WriteString(strings.ToUpper(ident))
			buf.WriteByte('\t')
			buf.WriteString(pyStr(e))
			buf.WriteByte('\n')
		}
		return
	}
	for i, e := range list {
		if i > 0 {
			buf.WriteByte('\t')
		}
		buf.WriteString(pyStr(e))
	}
	buf.WriteByte('\n')
}

func textObject(buf *bytes.Buffer, o object, ident string, scalarKeys []string) {
	var scalars []string
	var nested []field
	if scalarKeys == nil {
		sorted := sortedFields(o)
		for _, f := range sorted {
			if isScalar(f.val) {
				scalars = append(scalars, pyStr(f.val))
			} else {
				nested = append(nested, f)
			}
		}
	} else {
		// Python compares a missing key's '' with the given keys; a key
		// given for the list that holds a nested value here is printed
		// with str() of that value, which the service's shapes never do.
		isKey := map[string]bool{}
		for _, k := range scalarKeys {
			isKey[k] = true
			val, ok := o.get(k)
			if !ok {
				scalars = append(scalars, "")
				continue
			}
			scalars = append(scalars, pyStr(val))
		}
		for _, f := range sortedFields(o) {
			if !isKey[f.key] {
				nested = append(nested, f)
			}
		}
	}
	if len(scalars) > 0 {
		if ident != "" {
			scalars = append([]string{strings.ToUpper(ident)}, scalars...)
		}
		buf.WriteString(strings.Join(scalars, "\t"))
		buf.WriteByte('\n')
	}
	for _, f := range nested {
		textValue(buf, f.val, f.key, nil)
	}
}

// get returns the value of key.
func (o object) get(key string) (any, bool) {
	for _, f := range o {
		if f.key == key {
			return f.val, true
		}
	}
	return nil, false
}

// sortedFields is o in the order of its keys, as Python's sorted() orders
// them (by code point, which for UTF-8 is byte order).
func sortedFields(o object) object {
	out := append(object(nil), o...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].key < out[j].key })
	return out
}
