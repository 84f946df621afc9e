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

// copyTextMsg asks the root to put text on the clipboard; the clipboard
// must be driven from Update.
type copyTextMsg struct {
	text string
	what string
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

// copyField picks what to copy from a fetched value.
func copyField(v *backend.SecretValue, name, fieldKey string) tea.Msg {
	if fieldKey == "" {
		return copyTextMsg{text: valueText(v), what: "value of " + line(name)}
	}
	fields, ok := jsonFields(valueText(v))
	if ok {
		for _, f := range fields {
			if f.key == fieldKey {
				return copyTextMsg{text: f.value, what: line(fieldKey) + " of " + line(name)}
			}
		}
	}
	return flashMsg{text: "the value has no field " + line(fieldKey), isErr: true}
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

// summarize says what an edit changes, for the confirmation before saving:
// keys added, removed and changed for JSON objects, sizes otherwise. It
// never quotes a value.
func summarize(old, new string) []string {
	of, oldJSON := jsonFields(old)
	nf, newJSON := jsonFields(new)
	if oldJSON && newJSON {
		om := map[string]string{}
		for _, f := range of {
			om[f.key] = f.value
		}
		nm := map[string]bool{}
		var added, changed, removed []string
		for _, f := range nf {
			nm[f.key] = true
			ov, had := om[f.key]
			switch {
			case !had:
				added = append(added, line(f.key))
			case ov != f.value:
				changed = append(changed, line(f.key))
			}
		}
		for _, f := range of {
			if !nm[f.key] {
				removed = append(removed, line(f.key))
			}
		}
		var out []string
		for _, g := range []struct {
			what string
			keys []string
		}{{"added", added}, {"removed", removed}, {"changed", changed}} {
			if len(g.keys) > 0 {
				out = append(out, "Keys "+g.what+": "+strings.Join(g.keys, ", "))
			}
		}
		if len(out) == 0 {
			out = append(out, "No key changes (formatting only).")
		}
		return out
	}
	out := []string{"Text value: " + comma(len(old)) + " → " + comma(len(new)) + " bytes."}
	if oldJSON && !newJSON {
		out = append(out, "Warning: the old value was a JSON object; the new one is not valid JSON.")
	}
	return out
}

// checkValue rejects what AWS would reject, with the reason.
func checkValue(v string) string {
	switch {
	case v == "":
		return "A secret value cannot be empty."
	case len(v) > maxValueBytes:
		return "The value is " + comma(len(v)) + " bytes; Secrets Manager accepts at most 65,536."
	}
	return ""
}

// saveValue confirms an edit with its summary, then stores it as the new
// AWSCURRENT version.
func saveValue(c *common, name, old, new string) tea.Cmd {
	if old == new {
		return flash("no change; nothing saved", false)
	}
	if msg := checkValue(new); msg != "" {
		return flash(msg, true)
	}
	shown := line(name)
	body := append(summarize(old, new), "Save as the new AWSCURRENT version of "+shown+"?")
	d := newConfirm(c, "Save new version", "Save", body, func(int) tea.Cmd {
		return c.task("Saving a new version of "+shown+"…", "new version of "+shown+" saved as AWSCURRENT",
			func(ctx context.Context, b backend.Backend) (tea.Msg, error) {
				_, err := b.PutSecretValue(ctx, &backend.PutSecretValueInput{SecretID: name, SecretString: &new})
				return reloadMsg{name: name}, err
			})
	})
	d.danger = false
	return openDialog(d)
}
