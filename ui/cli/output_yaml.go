package cli

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// The AWS CLI's YAML output is ruamel.yaml's safe dumper in block style:
// keys sorted, two-space indents, sequences not indented under their key,
// strings plain where YAML 1.2 reads them back as the same string, else
// single-quoted, or double-quoted when they hold characters that need
// escapes; lines fold at a space once past column 80. The Go YAML
// libraries differ in each of these (quote style, sequence indent,
// folding), so this small emitter writes exactly the shapes responses
// have: objects, lists, strings, numbers, booleans and null.

const yamlWidth = 80

// formatYAML writes v as the AWS CLI's YAML formatter does. A bare scalar
// (what a --query can return) is written as JSON, as the CLI does to avoid
// YAML's document-end marker.
func formatYAML(buf *bytes.Buffer, v any) {
	switch x := v.(type) {
	case object:
		if len(x) == 0 {
			buf.WriteString("{}\n")
			return
		}
		yamlMapping(buf, x, 0, false)
	case []any:
		if len(x) == 0 {
			buf.WriteString("[]\n")
			return
		}
		yamlSequence(buf, x, 0, false)
	default:
		encodeValue(buf, x, 0)
		buf.WriteByte('\n')
	}
}

// yamlMapping writes o at indent; inline means the first key follows a
// "- " already written.
func yamlMapping(buf *bytes.Buffer, o object, indent int, inline bool) {
	for i, f := range sortedFields(o) {
		if i > 0 || !inline {
			buf.WriteString(strings.Repeat(" ", indent))
		}
		yamlString(buf, f.key, indent+2)
		buf.WriteByte(':')
		switch x := f.val.(type) {
		case object:
			if len(x) == 0 {
				buf.WriteString(" {}\n")
				continue
			}
			buf.WriteByte('\n')
			yamlMapping(buf, x, indent+2, false)
		case []any:
			if len(x) == 0 {
				buf.WriteString(" []\n")
				continue
			}
			buf.WriteByte('\n')
			yamlSequence(buf, x, indent, false)
		default:
			buf.WriteByte(' ')
			yamlScalar(buf, x, indent+2)
			buf.WriteByte('\n')
		}
	}
}

func yamlSequence(buf *bytes.Buffer, list []any, indent int, inline bool) {
	for i, e := range list {
		if i > 0 || !inline {
			buf.WriteString(strings.Repeat(" ", indent))
		}
		buf.WriteString("- ")
		switch x := e.(type) {
		case object:
			if len(x) == 0 {
				buf.WriteString("{}\n")
				continue
			}
			yamlMapping(buf, x, indent+2, true)
		case []any:
			if len(x) == 0 {
				buf.WriteString("[]\n")
				continue
			}
			yamlSequence(buf, x, indent+2, true)
		default:
			yamlScalar(buf, x, indent+2)
			buf.WriteByte('\n')
		}
	}
}

func yamlScalar(buf *bytes.Buffer, v any, indent int) {
	switch x := v.(type) {
	case nil:
		buf.WriteString("null")
	case bool:
		buf.WriteString(strconv.FormatBool(x))
	case int64:
		buf.WriteString(strconv.FormatInt(x, 10))
	case float64:
		buf.WriteString(pyFloat(x))
	case string:
		yamlString(buf, x, indent)
	}
}

// Plain scalars YAML 1.2 (ruamel's resolver) would read as something other
// than a string, so they must be quoted. Compiled on first use, not at
// start-up: most runs print no YAML.
var yamlImplicit = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^(?:` +
		`true|True|TRUE|false|False|FALSE|~|null|Null|NULL|<<|=|` +
		`[-+]?0b[0-1_]+|[-+]?0o?[0-7_]+|[-+]?[0-9_]+|[-+]?0x[0-9a-fA-F_]+|` +
		`[-+]?[0-9][0-9_]*\.[0-9_]*(?:[eE][-+]?[0-9]+)?|[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+|\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)|` +
		`[0-9]{4}-[0-9]{2}-[0-9]{2}|` +
		`[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?` +
		`)$`)
})

type yamlStyle int

const (
	yamlPlain yamlStyle = iota
	yamlSingle
	yamlDouble
)

// yamlStyleOf chooses how ruamel writes s in block context.
func yamlStyleOf(s string) yamlStyle {
	if s == "" {
		return yamlSingle
	}
	plain := true
	for i, r := range s {
		switch {
		case r == '\n':
			plain = false
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == 0xfeff || r == utf8.RuneError ||
			r == 0x2028 || r == 0x2029 || (r >= 0xd800 && r <= 0xdfff) || r == 0xfffe || r == 0xffff:
			return yamlDouble
		}
		next := byte(' ')
		if j := i + utf8.RuneLen(r); j < len(s) {
			next = s[j]
		}
		if i == 0 {
			if strings.ContainsRune("#,[]{}&*!|>'\"%@`", r) {
				plain = false
			}
			if (r == '?' || r == ':' || r == '-') && (next == ' ' || i+1 == len(s)) {
				plain = false
			}
		}
		if r == ':' && (next == ' ' || i+1 == len(s)) {
			plain = false
		}
		if r == '#' && i > 0 && s[i-1] == ' ' {
			plain = false
		}
	}
	if s[0] == ' ' || s[len(s)-1] == ' ' {
		plain = false
	}
	if plain && yamlImplicit().MatchString(s) {
		plain = false
	}
	if plain {
		return yamlPlain
	}
	return yamlSingle
}

// yamlString writes s in the style ruamel picks, folding long lines at a
// single space once the line is past column 80, continued at indent.
func yamlString(buf *bytes.Buffer, s string, indent int) {
	style := yamlStyleOf(s)
	col := yamlColumn(buf)
	switch style {
	case yamlSingle:
		buf.WriteByte('\'')
		col++
	case yamlDouble:
		buf.WriteByte('"')
		col++
	}
	breakLine := func() {
		buf.WriteByte('\n')
		buf.WriteString(strings.Repeat(" ", indent))
		col = indent
	}
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == ' ':
			// A run of spaces folds only when it is one space, not first
			// or last, and the line is already too long.
			end := i
			for end < len(s) && s[end] == ' ' {
				end++
			}
			if end-i == 1 && col > yamlWidth && i != 0 && end != len(s) {
				breakLine()
			} else {
				buf.WriteString(s[i:end])
				col += end - i
			}
			i = end
			continue
		case r == '\n' && style == yamlSingle:
			// In single quotes a line break is written as an empty line.
			end := i
			for end < len(s) && s[end] == '\n' {
				end++
			}
			buf.WriteByte('\n')
			for j := i; j < end; j++ {
				buf.WriteByte('\n')
			}
			buf.WriteString(strings.Repeat(" ", indent))
			col = indent
			i = end
			continue
		case r == '\'' && style == yamlSingle:
			buf.WriteString("''")
			col += 2
		case style == yamlDouble:
			e := yamlEscape(r, size == 1 && r == utf8.RuneError)
			buf.WriteString(e)
			col += utf8.RuneCountInString(e)
			if e == string(r) {
				i += size
				continue
			}
		default:
			buf.WriteString(s[i : i+size])
			col++
		}
		i += size
	}
	switch style {
	case yamlSingle:
		buf.WriteByte('\'')
	case yamlDouble:
		buf.WriteByte('"')
	}
}

// yamlEscape is r inside double quotes, escaped as ruamel escapes it.
func yamlEscape(r rune, invalid bool) string {
	if invalid {
		return `\uFFFD`
	}
	switch r {
	case 0:
		return `\0`
	case '\a':
		return `\a`
	case '\b':
		return `\b`
	case '\t':
		return `\t`
	case '\n':
		return `\n`
	case '\v':
		return `\v`
	case '\f':
		return `\f`
	case '\r':
		return `\r`
	case 0x1b:
		return `\e`
	case '"':
		return `\"`
	case '\\':
		return `\\`
	case 0x85:
		return `\N`
	case 0xa0:
		return `\_`
	case 0x2028:
		return `\L`
	case 0x2029:
		return `\P`
	}
	switch {
	case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
		return fmt.Sprintf(`\x%02X`, r)
	case r == 0xfeff || (r >= 0xd800 && r <= 0xdfff) || r == 0xfffe || r == 0xffff:
		return fmt.Sprintf(`\u%04X`, r)
	}
	return string(r)
}

// yamlColumn is the column the next character lands in.
func yamlColumn(buf *bytes.Buffer) int {
	b := buf.Bytes()
	start := bytes.LastIndexByte(b, '\n') + 1
	return utf8.RuneCount(b[start:])
}
