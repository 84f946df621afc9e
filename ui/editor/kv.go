package editor

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/secretary-sh/secretary/ui/diff"
	"github.com/secretary-sh/secretary/ui/escaped"
)

// SubmitMsg is sent by KV and Text when the operator asks to save: Value
// is the whole new secret string. The caller summarizes, validates and
// confirms before writing anything.
type SubmitMsg struct{ Value string }

// CancelMsg is sent when the operator discards the edit.
type CancelMsg struct{}

// ErrUnsafeText says a value holds characters (controls, escape sequences,
// invisible format characters) that cannot be shown or edited in place
// without either sending them to the terminal or losing them; $EDITOR can
// edit such a value.
var ErrUnsafeText = errors.New("the value contains characters that cannot be edited here (control or invisible characters); edit it with $EDITOR")

// Styles draw the editors. The zero value draws plain text.
type Styles struct {
	Cursor, Key, Value, Masked, Hint, Error lipgloss.Style
}

// valueKind is the JSON type of a pair's value.
type valueKind int

const (
	kindString valueKind = iota
	kindNumber
	kindBool
	kindNull
	kindRaw // object or array, kept as compact JSON
)

func (k valueKind) hint() string {
	switch k {
	case kindNumber:
		return "number"
	case kindBool:
		return "boolean"
	case kindNull:
		return "null"
	case kindRaw:
		return "JSON"
	}
	return ""
}

// pair is one key of the object. text is what the operator sees and types:
// a string value itself, anything else as JSON.
type pair struct {
	key  string
	text string
	kind valueKind
	// orig holds the pair as read: its key and value JSON exactly as the
	// value had them, so a pair the operator did not touch is written
	// back byte for byte ("\u003c" stays "\u003c", 1.50 stays 1.50).
	orig struct {
		key, rawKey, text, raw string
		kind                   valueKind
	}
}

// keyJSON is the key as JSON: as it was read when unchanged.
func (p pair) keyJSON() string {
	if p.orig.rawKey != "" && p.key == p.orig.key {
		return p.orig.rawKey
	}
	return jsonString(p.key)
}

type kvMode int

const (
	modeBrowse kvMode = iota
	modeKey           // typing a key: a new one, or a rename
	modeValue         // typing a value
)

// KV edits a JSON object as a list of key/value pairs. It keeps the key
// order of the original and the JSON type of each value where the new text
// still fits it (a number stays a number while it parses as one; anything
// else becomes a string). Values are masked; one field at a time can be
// revealed.
type KV struct {
	pairs    []pair
	cursor   int
	revealed int // index of the revealed pair, or -1
	indent   bool

	mode     kvMode
	adding   bool // modeKey for a new pair rather than a rename
	input    textinput.Model
	inputErr string

	width, height int
	offset        int // first pair drawn
	keys          KVKeyMap
	styles        Styles
}

// NewKV starts an editor on value, which must be a JSON object.
func NewKV(value string, styles Styles) (KV, error) {
	pairs, err := parsePairs(value)
	if err != nil {
		return KV{}, err
	}
	in := textinput.New()
	in.Prompt = "> "
	in.EchoCharacter = '•'
	return KV{
		pairs:    pairs,
		revealed: -1,
		indent:   strings.Contains(strings.TrimSpace(value), "\n"),
		input:    in,
		keys:     DefaultKVKeyMap(),
		styles:   styles,
		width:    80,
		height:   10,
	}, nil
}

func parsePairs(value string) ([]pair, error) {
	dec := json.NewDecoder(strings.NewReader(value))
	dec.UseNumber()
	tok, err := dec.Token()
	if d, ok := tok.(json.Delim); err != nil || !ok || d != '{' {
		return nil, errors.New("the value is not a JSON object")
	}
	var pairs []pair
	index := map[string]int{}
	for dec.More() {
		keyStart := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("the value is not valid JSON: %w", err)
		}
		k, _ := tok.(string)
		// The key's own bytes, without the separator and space before it.
		rawKey := strings.TrimLeft(value[keyStart:dec.InputOffset()], " \t\r\n,")
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, fmt.Errorf("the value is not valid JSON: %w", err)
		}
		p := pair{key: k}
		var buf bytes.Buffer
		_ = json.Compact(&buf, raw) // raw came from the decoder: valid
		c := buf.String()
		switch {
		case strings.HasPrefix(c, `"`):
			_ = json.Unmarshal(raw, &p.text)
			p.kind = kindString
		case c == "true" || c == "false":
			p.text, p.kind = c, kindBool
		case c == "null":
			p.text, p.kind = c, kindNull
		case strings.HasPrefix(c, "{") || strings.HasPrefix(c, "["):
			p.text, p.kind = c, kindRaw
		default:
			p.text, p.kind = c, kindNumber
		}
		p.orig.key, p.orig.rawKey, p.orig.text, p.orig.raw, p.orig.kind = k, rawKey, p.text, c, p.kind
		// A repeated key keeps its first place and its last value, as
		// JSON decoders read it.
		if i, dup := index[k]; dup {
			pairs[i] = p
			continue
		}
		index[k] = len(pairs)
		pairs = append(pairs, p)
	}
	if _, err := dec.Token(); err != nil {
		return nil, fmt.Errorf("the value is not valid JSON: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("the value has data after the JSON object")
	}
	return pairs, nil
}

// Value is the edited object as JSON: compact, or indented by two spaces
// when the original spanned several lines.
func (m KV) Value() string {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, p := range m.pairs {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(p.keyJSON())
		b.WriteByte(':')
		b.WriteString(p.json())
	}
	b.WriteByte('}')
	if !m.indent {
		return b.String()
	}
	var out bytes.Buffer
	_ = json.Indent(&out, b.Bytes(), "", "  ") // built above: valid
	return out.String()
}

// json renders the value, keeping its type when the text still fits it.
func (p pair) json() string {
	if p.orig.raw != "" && p.text == p.orig.text && p.kind == p.orig.kind {
		return p.orig.raw
	}
	switch p.kind {
	case kindNumber:
		if isJSONNumber(p.text) {
			return p.text
		}
	case kindBool:
		if p.text == "true" || p.text == "false" {
			return p.text
		}
	case kindNull:
		if p.text == "null" {
			return p.text
		}
	case kindRaw:
		var buf bytes.Buffer
		if json.Compact(&buf, []byte(p.text)) == nil {
			return buf.String()
		}
	}
	return jsonString(p.text)
}

func isJSONNumber(s string) bool {
	if s == "" || strings.ContainsAny(s, " \t\n") {
		return false
	}
	return (s[0] == '-' || (s[0] >= '0' && s[0] <= '9')) && json.Valid([]byte(s))
}

// jsonString quotes s without encoding/json's HTML escaping, so a value
// with < or & round-trips byte for byte.
func jsonString(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // strings always encode
	return strings.TrimSuffix(b.String(), "\n")
}

// Init implements tea.Model.
func (m KV) Init() tea.Cmd { return nil }

// SetSize sets the area the editor may draw in.
func (m *KV) SetSize(w, h int) {
	m.width, m.height = w, h
	m.input.Width = max(w-4, 1)
	m.scroll()
}

// Editing reports whether a key or value is being typed, so the caller
// sends every key here instead of treating some as global.
func (m KV) Editing() bool { return m.mode != modeBrowse }

// ShortHelp implements help.KeyMap.
func (m KV) ShortHelp() []key.Binding {
	if m.mode != modeBrowse {
		return []key.Binding{m.keys.Accept, m.keys.Abort, m.keys.RevealInput}
	}
	// Saving and leaving first: a narrow footer cuts the end, and an
	// operator who cannot see how to save is stuck in the editor.
	return []key.Binding{m.keys.Save, m.keys.Cancel, m.keys.Edit, m.keys.Add, m.keys.Delete, m.keys.Reveal}
}

// FullHelp implements help.KeyMap.
func (m KV) FullHelp() [][]key.Binding {
	if m.mode != modeBrowse {
		return [][]key.Binding{m.ShortHelp()}
	}
	return [][]key.Binding{
		{m.keys.Up, m.keys.Down, m.keys.Reveal},
		{m.keys.Edit, m.keys.Add, m.keys.Rename, m.keys.Delete},
		{m.keys.Save, m.keys.Cancel},
	}
}

// Update implements tea.Model.
func (m KV) Update(msg tea.Msg) (KV, tea.Cmd) {
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		if m.mode != modeBrowse {
			var cmd tea.Cmd
			m.input, cmd = m.input.Update(msg)
			return m, cmd
		}
		return m, nil
	}
	if m.mode != modeBrowse {
		return m.updateInput(km)
	}
	if km.Type == tea.KeyRunes && len(km.Runes) > 1 && !m.isBinding(km) {
		return m.splitRunes(km)
	}
	m.inputErr = ""
	switch {
	case key.Matches(km, m.keys.Up):
		if m.cursor > 0 {
			m.cursor--
		}
	case key.Matches(km, m.keys.Down):
		if m.cursor < len(m.pairs)-1 {
			m.cursor++
		}
	case key.Matches(km, m.keys.Reveal):
		if len(m.pairs) == 0 {
			break
		}
		// One field at a time: revealing another hides the last.
		if m.revealed == m.cursor {
			m.revealed = -1
		} else {
			m.revealed = m.cursor
		}
	case key.Matches(km, m.keys.Add):
		m.adding = true
		return m, m.startInput(modeKey, "", false)
	case key.Matches(km, m.keys.Rename):
		if len(m.pairs) == 0 {
			break
		}
		if k := m.pairs[m.cursor].key; escaped.Line(k).String() != k {
			m.inputErr = "this key contains control or invisible characters; rename it with $EDITOR"
			break
		}
		m.adding = false
		return m, m.startInput(modeKey, m.pairs[m.cursor].key, false)
	case key.Matches(km, m.keys.Edit):
		if len(m.pairs) == 0 {
			break
		}
		v := m.pairs[m.cursor].text
		cmd := m.startInput(modeValue, v, m.revealed == m.cursor)
		if escaped.Line(v).String() != v || m.input.Value() != v {
			// textinput would draw or silently drop these characters.
			m.mode = modeBrowse
			m.input.Blur()
			m.input.Reset()
			m.inputErr = ErrUnsafeText.Error()
			break
		}
		return m, cmd
	case key.Matches(km, m.keys.Delete):
		if len(m.pairs) == 0 {
			break
		}
		m.pairs = append(m.pairs[:m.cursor], m.pairs[m.cursor+1:]...)
		m.revealed = -1
		if m.cursor >= len(m.pairs) && m.cursor > 0 {
			m.cursor--
		}
	case key.Matches(km, m.keys.Save):
		v := m.Value()
		return m, func() tea.Msg { return SubmitMsg{Value: v} }
	case key.Matches(km, m.keys.Cancel):
		return m, func() tea.Msg { return CancelMsg{} }
	}
	m.scroll()
	return m, nil
}

// isBinding reports whether the message as a whole names one of the
// browse keys (a key map may bind a multi-rune name).
func (m KV) isBinding(km tea.KeyMsg) bool {
	k := m.keys
	for _, b := range []key.Binding{k.Up, k.Down, k.Add, k.Rename, k.Edit, k.Delete, k.Reveal, k.Save, k.Cancel} {
		if key.Matches(km, b) {
			return true
		}
	}
	return false
}

// splitRunes handles several runes that arrived in one read. Typed fast
// (or over a slow link) they are separate keys: "a" then a key name is add
// and the name, whose runes go to the input once it opens. Pasted text is
// never taken as commands: a pasted "ddd" must not delete three keys.
func (m KV) splitRunes(km tea.KeyMsg) (KV, tea.Cmd) {
	if km.Paste {
		return m, nil
	}
	var cmds []tea.Cmd
	for i, r := range km.Runes {
		var cmd tea.Cmd
		if m.mode != modeBrowse {
			m, cmd = m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: km.Runes[i:]})
			cmds = append(cmds, cmd)
			break
		}
		m, cmd = m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}, Alt: km.Alt})
		cmds = append(cmds, cmd)
	}
	return m, tea.Batch(cmds...)
}

func (m *KV) startInput(mode kvMode, value string, reveal bool) tea.Cmd {
	m.mode = mode
	m.inputErr = ""
	m.input.Reset()
	m.input.SetValue(value)
	m.input.CursorEnd()
	if mode == modeValue && !reveal {
		m.input.EchoMode = textinput.EchoPassword
	} else {
		m.input.EchoMode = textinput.EchoNormal
	}
	if mode == modeKey {
		m.input.Placeholder = "key"
	} else {
		m.input.Placeholder = "value"
	}
	return m.input.Focus()
}

func (m KV) updateInput(km tea.KeyMsg) (KV, tea.Cmd) {
	switch {
	case key.Matches(km, m.keys.Abort):
		m.mode, m.adding, m.inputErr = modeBrowse, false, ""
		m.input.Blur()
		m.input.Reset()
		return m, nil
	case key.Matches(km, m.keys.RevealInput):
		if m.mode == modeValue {
			if m.input.EchoMode == textinput.EchoPassword {
				m.input.EchoMode = textinput.EchoNormal
			} else {
				m.input.EchoMode = textinput.EchoPassword
			}
		}
		return m, nil
	case key.Matches(km, m.keys.Accept):
		return m.accept()
	}
	var cmd tea.Cmd
	m.input, cmd = m.input.Update(km)
	m.inputErr = ""
	return m, cmd
}

func (m KV) accept() (KV, tea.Cmd) {
	text := m.input.Value()
	switch m.mode {
	case modeKey:
		if text == "" {
			m.inputErr = "a key cannot be empty"
			return m, nil
		}
		for i, p := range m.pairs {
			if p.key == text && (m.adding || i != m.cursor) {
				m.inputErr = fmt.Sprintf("key %q exists already", escaped.Line(text).String())
				return m, nil
			}
		}
		if m.adding {
			// A new key goes below the cursor and its value comes next.
			at := 0
			if len(m.pairs) > 0 {
				at = m.cursor + 1
			}
			m.pairs = append(m.pairs, pair{})
			copy(m.pairs[at+1:], m.pairs[at:])
			m.pairs[at] = pair{key: text, kind: kindString}
			if m.revealed >= at {
				m.revealed++
			}
			m.cursor, m.adding = at, false
			m.scroll()
			return m, m.startInput(modeValue, "", false)
		}
		m.pairs[m.cursor].key = text
	case modeValue:
		m.pairs[m.cursor].text = text
	}
	m.mode = modeBrowse
	m.input.Blur()
	m.input.Reset()
	return m, nil
}

// rows is how many pairs fit: one line goes to the input or error line.
func (m KV) rows() int { return max(m.height-1, 1) }

// scroll keeps the cursor on screen.
func (m *KV) scroll() {
	if m.cursor < m.offset {
		m.offset = m.cursor
	}
	if r := m.rows(); m.cursor >= m.offset+r {
		m.offset = m.cursor - r + 1
	}
}

// View implements tea.Model. Keys and revealed values are sanitized.
func (m KV) View() string {
	st := m.styles
	keyWidth := 0
	for _, p := range m.pairs {
		keyWidth = max(keyWidth, ansi.StringWidth(escaped.Line(p.key).String()))
	}
	keyWidth = min(keyWidth, max(m.width/3, 8))
	var lines []string
	if len(m.pairs) == 0 {
		lines = append(lines, st.Hint.Render("no keys — press a to add one"))
	}
	end := min(m.offset+m.rows(), len(m.pairs))
	for i := m.offset; i < end; i++ {
		p := m.pairs[i]
		cursor := "  "
		if i == m.cursor {
			cursor = "> "
		}
		k := ansi.Truncate(escaped.Line(p.key).String(), keyWidth, "…")
		k += strings.Repeat(" ", keyWidth-ansi.StringWidth(k))
		var v string
		if i == m.revealed {
			v = st.Value.Render(ansi.Truncate(escaped.Line(p.text).String(), max(m.width-keyWidth-6, 1), "…"))
		} else {
			v = st.Masked.Render(diff.Mask)
		}
		if h := p.kind.hint(); h != "" && i == m.revealed {
			v += " " + st.Hint.Render("("+h+")")
		}
		line := cursor + st.Key.Render(k) + "  " + v
		if i == m.cursor {
			line = st.Cursor.Render(line)
		}
		lines = append(lines, line)
	}
	if m.mode != modeBrowse {
		label := "value: "
		if m.mode == modeKey {
			label = "key: "
		}
		lines = append(lines, label+m.input.View())
	}
	if m.inputErr != "" {
		lines = append(lines, st.Error.Render(m.inputErr))
	}
	return strings.Join(lines, "\n")
}
