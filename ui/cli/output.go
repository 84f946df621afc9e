package cli

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"io"
	"sort"
	"strconv"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/secretary-sh/secretary/backend/wire"
	"github.com/secretary-sh/secretary/ui/escaped"
)

// The AWS CLI prints responses with Python's json.dumps(indent=4,
// ensure_ascii=False), keys in the order of the service model's members.
// encoding/json cannot indent or escape the way Python does, so responses
// become ordered objects written by the small encoder below: Secrets
// Manager's from their wire shapes (output_shape.go), the others (IAM,
// keys, the store's own commands) built member by member.

// field is one member of an ordered JSON object.
type field struct {
	key string
	val any
}

// object is a JSON object whose keys keep their insertion order.
type object []field

// add appends key unless val is "empty" in the sense of a member the
// service left out of its response: nil, "", a zero time, an empty list or
// map. Booleans and numbers are always written; use addIf to make them
// optional.
func (o object) add(key string, val any) object {
	switch v := val.(type) {
	case nil:
		return o
	case string:
		if v == "" {
			return o
		}
	case time.Time:
		if v.IsZero() {
			return o
		}
	case []any:
		if len(v) == 0 {
			return o
		}
	case []string:
		if len(v) == 0 {
			return o
		}
	case object:
		if v == nil {
			return o
		}
	case []byte:
		if v == nil {
			return o
		}
	case map[string][]string:
		if len(v) == 0 {
			return o
		}
	}
	return append(o, field{key, val})
}

// addAlways appends key even when val is empty (the CLI prints an empty
// list when the service returned one).
func (o object) addAlways(key string, val any) object { return append(o, field{key, val}) }

// writeJSON writes v followed by a newline, indented by four spaces.
func writeJSON(w io.Writer, v any) error {
	var buf bytes.Buffer
	encodeValue(&buf, v, 0)
	buf.WriteByte('\n')
	_, err := w.Write(buf.Bytes())
	return err
}

// listStream writes a response that is one list, {"Key": [...]}, item by
// item as pages arrive, byte for byte as writeJSON would write it whole.
// Listing 100,000 secrets then holds one page at a time instead of every
// entry and the whole text (over 500 MB), and output starts at once.
type listStream struct {
	w   *bufio.Writer
	key string
	n   int
	buf bytes.Buffer
}

func newListStream(w io.Writer, key string) *listStream {
	return &listStream{w: bufio.NewWriterSize(w, 64<<10), key: key}
}

// add writes one item; errors surface from close.
func (l *listStream) add(v any) {
	l.buf.Reset()
	if l.n == 0 {
		l.buf.WriteByte('{')
		indent(&l.buf, 1)
		encodeString(&l.buf, l.key)
		l.buf.WriteString(": [")
	} else {
		l.buf.WriteByte(',')
	}
	indent(&l.buf, 2)
	encodeValue(&l.buf, v, 2)
	l.n++
	l.w.Write(l.buf.Bytes())
}

// close ends the list and the response and flushes.
func (l *listStream) close() error {
	if l.n == 0 {
		// Every page was empty (AWS can return such pages with a token).
		if err := writeJSON(l.w, object{}.addAlways(l.key, []any{})); err != nil {
			return err
		}
	} else {
		l.w.WriteString("\n    ]\n}\n")
	}
	return l.w.Flush()
}

func indent(buf *bytes.Buffer, depth int) {
	buf.WriteByte('\n')
	for i := 0; i < depth; i++ {
		buf.WriteString("    ")
	}
}

func encodeValue(buf *bytes.Buffer, v any, depth int) {
	switch x := v.(type) {
	case nil:
		buf.WriteString("null")
	case string:
		encodeString(buf, x)
	case bool:
		buf.WriteString(strconv.FormatBool(x))
	case int:
		buf.WriteString(strconv.Itoa(x))
	case int64:
		buf.WriteString(strconv.FormatInt(x, 10))
	case float64:
		buf.WriteString(strconv.FormatFloat(x, 'g', -1, 64))
	case time.Time:
		encodeString(buf, formatTime(x))
	case []byte:
		// Blobs are shown base64-encoded, as the CLI does.
		encodeString(buf, base64.StdEncoding.EncodeToString(x))
	case []string:
		list := make([]any, len(x))
		for i, s := range x {
			list[i] = s
		}
		encodeValue(buf, list, depth)
	case []any:
		if len(x) == 0 {
			buf.WriteString("[]")
			return
		}
		buf.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				buf.WriteByte(',')
			}
			indent(buf, depth+1)
			encodeValue(buf, e, depth+1)
		}
		indent(buf, depth)
		buf.WriteByte(']')
	case object:
		if len(x) == 0 {
			buf.WriteString("{}")
			return
		}
		buf.WriteByte('{')
		for i, f := range x {
			if i > 0 {
				buf.WriteByte(',')
			}
			indent(buf, depth+1)
			encodeString(buf, f.key)
			buf.WriteString(": ")
			encodeValue(buf, f.val, depth+1)
		}
		indent(buf, depth)
		buf.WriteByte('}')
	case map[string][]string:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		o := make(object, 0, len(keys))
		for _, k := range keys {
			o = append(o, field{k, x[k]})
		}
		encodeValue(buf, o, depth)
	default:
		// A wire shape, or a type no command builds (plainValue names it).
		encodeValue(buf, plainValue(v), depth)
	}
}

const hexDigits = "0123456789abcdef"

// encodeString escapes like Python's json with ensure_ascii=False: quote,
// backslash and control characters are escaped, everything else is written
// as UTF-8. Invalid UTF-8 becomes U+FFFD. Unlike Python, DEL, C1 controls
// and the characters a terminal draws as nothing or uses to reorder a line
// (bidi overrides and isolates, zero-width characters: escaped.Escapes)
// are escaped too: the JSON means the same to a parser, and printed on a
// terminal it can neither drive it nor make one name look like another.
func encodeString(buf *bytes.Buffer, s string) {
	buf.WriteByte('"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch c {
			case '"':
				buf.WriteString(`\"`)
			case '\\':
				buf.WriteString(`\\`)
			case '\n':
				buf.WriteString(`\n`)
			case '\r':
				buf.WriteString(`\r`)
			case '\t':
				buf.WriteString(`\t`)
			case '\b':
				buf.WriteString(`\b`)
			case '\f':
				buf.WriteString(`\f`)
			default:
				if c < 0x20 || c == 0x7f {
					buf.WriteString(`\u00`)
					buf.WriteByte(hexDigits[c>>4])
					buf.WriteByte(hexDigits[c&0xf])
				} else {
					buf.WriteByte(c)
				}
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			buf.WriteString("\ufffd")
		case escaped.Escapes(r):
			// C1 controls (some terminals obey U+009B as CSI even in
			// UTF-8) and invisible format characters. Python leaves them
			// raw; a value must not drive the terminal, so they are
			// escaped, as a surrogate pair above U+FFFF as JSON spells it.
			if r > 0xffff {
				hi, lo := utf16.EncodeRune(r)
				writeU(buf, hi)
				writeU(buf, lo)
			} else {
				writeU(buf, r)
			}
		default:
			buf.WriteString(s[i : i+size])
		}
		i += size
	}
	buf.WriteByte('"')
}

// writeU writes r (at most U+FFFF) as a JSON \uXXXX escape.
func writeU(buf *bytes.Buffer, r rune) {
	buf.WriteString(`\u`)
	for shift := 12; shift >= 0; shift -= 4 {
		buf.WriteByte(hexDigits[(r>>shift)&0xf])
	}
}

// formatTime renders a timestamp as the AWS CLI v2 does by default; the
// rule lives with the wire shapes, beside the protocol's own form.
func formatTime(t time.Time) string { return wire.Time(t).Format(wire.ISO8601) }
