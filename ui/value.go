package ui

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/ui/fieldpath"
)

// field is one key of a JSON object value, in the order it is stored.
type field struct {
	key, value string
}

// jsonFields returns the top-level members of a JSON object in order; string
// members as they are, anything else as compact JSON. ok is false when s is
// not a JSON object.
func jsonFields(s string) (fields []field, ok bool) {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil || tok != json.Delim('{') {
		return nil, false
	}
	for dec.More() {
		kt, err := dec.Token()
		if err != nil {
			return nil, false
		}
		k, _ := kt.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, false
		}
		var str string
		if json.Unmarshal(raw, &str) == nil {
			fields = append(fields, field{k, str})
			continue
		}
		var buf bytes.Buffer
		if json.Compact(&buf, raw) != nil {
			return nil, false
		}
		fields = append(fields, field{k, buf.String()})
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('}') {
		return nil, false
	}
	if _, err := dec.Token(); err == nil {
		return nil, false // trailing data
	}
	return fields, true
}

// hexDump renders b as offset, hex bytes and printable ASCII, 16 per line
// (8 when narrow).
func hexDump(b []byte, width int) []string {
	per := 16
	if width < 76 {
		per = 8
	}
	var out []string
	for off := 0; off < len(b); off += per {
		chunk := b[off:min(off+per, len(b))]
		var l strings.Builder
		l.WriteString(hex.EncodeToString([]byte{byte(off >> 24), byte(off >> 16), byte(off >> 8), byte(off)}))
		l.WriteString("  ")
		for i := 0; i < per; i++ {
			if i < len(chunk) {
				l.WriteString(hex.EncodeToString(chunk[i : i+1]))
			} else {
				l.WriteString("  ")
			}
			l.WriteByte(' ')
		}
		l.WriteString(" ")
		for _, c := range chunk {
			if c >= 0x20 && c < 0x7f {
				l.WriteByte(c)
			} else {
				l.WriteByte('.')
			}
		}
		out = append(out, l.String())
	}
	return out
}

// base64Lines wraps the base64 of b to width.
func base64Lines(b []byte, width int) []string {
	s := base64.StdEncoding.EncodeToString(b)
	width = max(8, width)
	var out []string
	for len(s) > width {
		out = append(out, s[:width])
		s = s[width:]
	}
	return append(out, s)
}

// valueText is the value as text for copying and editing: the string, or
// base64 for binary.
func valueText(v *backend.SecretValue) string {
	if v == nil {
		return ""
	}
	if v.IsBinary() {
		return base64.StdEncoding.EncodeToString(v.SecretBinary)
	}
	if v.SecretString != nil {
		return *v.SecretString
	}
	return ""
}

// copyValue fetches a secret's current value (or one JSON field of it) and
// copies it, without drawing it.
func (c *common) copyValue(name, fieldKey string) tea.Cmd {
	ctx, b := c.ctx, c.backend
	return func() tea.Msg {
		v, err := b.GetSecretValue(ctx, &backend.GetSecretValueInput{SecretID: name})
		if err != nil {
			return flashMsg{text: errorText(err), isErr: true}
		}
		defer v.Wipe()
		return copyField(v, name, fieldKey)
	}
}

// copyField picks what to copy from a fetched value: all of it, or the
// member at a path (db.password, hosts[0]) of a JSON value.
func copyField(v *backend.SecretValue, name, path string) tea.Msg {
	if path == "" {
		return copyTextMsg{text: valueText(v), what: "value of " + line(name)}
	}
	if nodes, ok := fieldpath.Tree(valueText(v)); ok {
		for _, n := range nodes {
			if n.Path == path {
				return copyTextMsg{text: n.Value, what: line(path) + " of " + line(name)}
			}
		}
	}
	return flashMsg{text: "the value has no field " + line(path), isErr: true}
}

// valueMsg delivers a fetched value to the page that asked for it.
type valueMsg struct {
	// owner is the page that asked; the root wipes values whose page is
	// gone, the owner wipes stale ones, nobody else touches them.
	owner page
	id    uint64
	value *backend.SecretValue
	err   error
}

func fetchValue(ctx context.Context, b backend.Backend, owner page, id uint64, in *backend.GetSecretValueInput) tea.Cmd {
	return func() tea.Msg {
		v, err := b.GetSecretValue(ctx, in)
		return valueMsg{owner: owner, id: id, value: v, err: err}
	}
}

// maxValueBytes is the largest value AWS accepts.
const maxValueBytes = 65536
