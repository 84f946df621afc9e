// Package form is the create-secret form: name (checked as Secrets Manager
// checks it, while typing), description, tags, encryption key, and a first
// value given as key/value pairs, plain text, a database-credentials
// template or a generated password.
//
// The form writes nothing: it ends with SubmitMsg carrying a validated
// *backend.CreateSecretInput, or CancelMsg.
package form

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/google/uuid"

	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/ui/diff"
	"github.com/secretary-sh/secretary/ui/editor"
	"github.com/secretary-sh/secretary/ui/escaped"
)

// SubmitMsg carries the request to send. It passed
// backend.ValidateCreateSecret; the backend may still refuse it (a name
// that exists, for one).
type SubmitMsg struct{ Input *backend.CreateSecretInput }

// CancelMsg says the operator left the form.
type CancelMsg struct{}

// GeneratedMsg is the result of a password generation the form started.
// The caller routes it back to the form.
type GeneratedMsg struct {
	ID       int
	Password string
	Err      error
}

// GenerateFunc makes a password the way Secrets Manager's
// GetRandomPassword does; Backend.GetRandomPassword fits.
type GenerateFunc func(ctx context.Context, in *backend.GetRandomPasswordInput) (string, error)

// ValueKind is how the first value is entered.
type ValueKind int

// The value types, in the order the selector shows them.
const (
	KindKeyValue ValueKind = iota
	KindText
	KindDatabase
	KindGenerated
	kindCount
)

func (k ValueKind) String() string {
	return [...]string{"key/value", "text", "database", "generated password"}[k]
}

// Styles draw the form. The zero value draws plain text.
type Styles struct {
	Label, Focused, Hint, Error lipgloss.Style
	Editor                      editor.Styles
}

// Options configure New.
type Options struct {
	Styles Styles
	KeyMap *KeyMap
	// Generate makes passwords for the generated-password type and for the
	// database template's password (ctrl+g). Nil disables generation.
	Generate GenerateFunc
	// Context bounds generation calls; context.Background() when nil.
	Context context.Context
}

// field identifies a focus stop.
type field int

const (
	fName field = iota
	fDescription
	fTags
	fKMS
	fKind
	fKV
	fText
	fEngine
	fHost
	fPort
	fUser
	fDBPassword
	fDBName
	fLength
	fExclude
	fUpper
	fLower
	fNumbers
	fPunct
	fSpace
	fRequireEach
	fGenerated
	fieldCount
)

// inputFields are the fields typed into a textinput.
func inputFields() []field {
	return []field{fName, fDescription, fTags, fKMS, fEngine, fHost, fPort, fUser, fDBPassword, fDBName, fLength, fExclude}
}

// label is the field's name on screen.
func (f field) label() string {
	switch f {
	case fName:
		return "Name"
	case fDescription:
		return "Description"
	case fTags:
		return "Tags"
	case fKMS:
		return "KMS key"
	case fKind:
		return "Value"
	case fEngine:
		return "engine"
	case fHost:
		return "host"
	case fPort:
		return "port"
	case fUser:
		return "username"
	case fDBPassword, fGenerated:
		return "password"
	case fDBName:
		return "dbname"
	case fLength:
		return "length"
	case fExclude:
		return "exclude"
	case fUpper:
		return "uppercase"
	case fLower:
		return "lowercase"
	case fNumbers:
		return "numbers"
	case fPunct:
		return "punctuation"
	case fSpace:
		return "space"
	case fRequireEach:
		return "each type"
	}
	return ""
}

// Model is the create-secret form.
type Model struct {
	inputs  [fieldCount]textinput.Model
	toggles [fieldCount]bool
	kv      editor.KV
	text    editor.Text
	kind    ValueKind
	focus   field

	generated     string
	revealGen     bool
	generating    int // id of the generation in flight, 0 when none
	genSeq        int
	genTarget     field
	token         string
	nameErr, err  string
	generate      GenerateFunc
	ctx           context.Context
	width, height int
	keys          KeyMap
	styles        Styles
}

// New returns an empty form with the focus on the name.
func New(opts Options) Model {
	m := Model{
		generate: opts.Generate,
		ctx:      opts.Context,
		styles:   opts.Styles,
		keys:     DefaultKeyMap(),
		// One token per form: pressing create twice (or a retry after a
		// timeout) cannot make two secrets or two versions.
		token: uuid.NewString(),
		width: 80, height: 24,
	}
	if m.ctx == nil {
		m.ctx = context.Background()
	}
	if opts.KeyMap != nil {
		m.keys = *opts.KeyMap
	}
	placeholders := map[field]string{
		// "e.g." so an empty field never reads as a filled one.
		fName: "e.g. prod/payments/db", fDescription: "optional", fTags: "e.g. team=payments, env=prod",
		fKMS: "default key", fEngine: "e.g. postgres, mysql", fHost: "e.g. db.example.internal", fPort: "e.g. 5432",
		fUser: "e.g. app", fDBName: "optional", fExclude: "characters to leave out",
	}
	for _, f := range inputFields() {
		in := textinput.New()
		in.Prompt = ""
		in.Placeholder = placeholders[f]
		m.inputs[f] = in
	}
	m.inputs[fName].CharLimit = backend.MaxNameLength
	m.inputs[fDescription].CharLimit = backend.MaxDescriptionLength
	m.inputs[fDBPassword].EchoMode = textinput.EchoPassword
	m.inputs[fDBPassword].EchoCharacter = '•'
	m.inputs[fLength].SetValue(strconv.Itoa(backend.DefaultPasswordLength))
	for _, f := range []field{fUpper, fLower, fNumbers, fPunct, fRequireEach} {
		m.toggles[f] = true
	}
	m.kv, _ = editor.NewKV("{}", opts.Styles.Editor) // "{}" always parses
	m.text, _ = editor.NewText("", opts.Styles.Editor)
	m.inputs[fName].Focus()
	return m
}

// Init implements tea.Model.
func (m Model) Init() tea.Cmd { return textinput.Blink }

// SetSize sets the area the form may draw in.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	for _, f := range inputFields() {
		m.inputs[f].Width = max(w-18, 8)
	}
	m.kv.SetSize(w-2, max(h-12, 3))
	m.text.SetSize(w-2, max(h-12, 3))
}

// wrap word-wraps a message to the form's width less indent: the end of
// an AWS message (which characters a name may hold) is the useful part.
func (m Model) wrap(s string, indent int) []string {
	w := m.width - indent
	if m.width <= 0 || w < 10 {
		return []string{s}
	}
	return strings.Split(ansi.Wrap(s, w, ""), "\n")
}

// Kind is the value type chosen.
func (m Model) Kind() ValueKind { return m.kind }

// Dirty says something was typed into the form, which closing it would
// lose.
func (m Model) Dirty() bool {
	for i, in := range m.inputs {
		if v := in.Value(); v != "" && !(field(i) == fLength && v == strconv.Itoa(backend.DefaultPasswordLength)) {
			return true
		}
	}
	return m.kv.Value() != "{}" || m.text.Value() != ""
}

// stops are the focus stops for the chosen value type, in order.
func (m Model) stops() []field {
	s := []field{fName, fDescription, fTags, fKMS, fKind}
	switch m.kind {
	case KindKeyValue:
		s = append(s, fKV)
	case KindText:
		s = append(s, fText)
	case KindDatabase:
		s = append(s, fEngine, fHost, fPort, fUser, fDBPassword, fDBName)
	case KindGenerated:
		s = append(s, fLength, fExclude, fUpper, fLower, fNumbers, fPunct, fSpace, fRequireEach, fGenerated)
	}
	return s
}

func isInput(f field) bool {
	for _, i := range inputFields() {
		if i == f {
			return true
		}
	}
	return false
}

func isToggle(f field) bool { return f >= fUpper && f <= fRequireEach }

// ShortHelp implements help.KeyMap.
func (m Model) ShortHelp() []key.Binding {
	b := []key.Binding{m.keys.Next, m.keys.Submit, m.keys.Cancel}
	switch {
	case m.focus == fKind:
		b = append(b, m.keys.Left)
	case isToggle(m.focus):
		b = append(b, m.keys.Toggle)
	case m.focus == fKV:
		return append(m.kv.ShortHelp(), m.keys.Next, m.keys.Submit)
	}
	if m.generate != nil && (m.kind == KindGenerated || m.focus == fDBPassword) {
		b = append(b, m.keys.Generate)
	}
	if m.focus == fDBPassword || m.focus == fGenerated {
		b = append(b, m.keys.Reveal)
	}
	return b
}

// FullHelp implements help.KeyMap.
func (m Model) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{m.keys.Next, m.keys.Prev, m.keys.Up, m.keys.Down},
		{m.keys.Left, m.keys.Toggle, m.keys.Generate, m.keys.Reveal},
		{m.keys.Submit, m.keys.Cancel},
	}
}

// Update implements tea.Model.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	switch msg := msg.(type) {
	case GeneratedMsg:
		if msg.ID != m.generating {
			return m, nil // stale: a newer request or the form moved on
		}
		m.generating = 0
		if msg.Err != nil {
			m.err = "generate password: " + msg.Err.Error()
			return m, nil
		}
		m.err = ""
		if m.genTarget == fDBPassword {
			m.inputs[fDBPassword].SetValue(msg.Password)
		} else {
			m.generated = msg.Password
		}
		return m, nil
	case tea.KeyMsg:
		return m.updateKey(msg)
	}
	return m.forward(msg)
}

// forward passes a message to the focused child.
func (m Model) forward(msg tea.Msg) (Model, tea.Cmd) {
	var cmd tea.Cmd
	switch {
	case isInput(m.focus):
		m.inputs[m.focus], cmd = m.inputs[m.focus].Update(msg)
	case m.focus == fKV:
		m.kv, cmd = m.kv.Update(msg)
	case m.focus == fText:
		m.text, cmd = m.text.Update(msg)
	}
	return m, cmd
}

// childOwnsKeys reports whether the focused child needs navigation keys
// for itself: the text area always, the key/value list while typing.
func (m Model) childOwnsKeys() bool {
	return m.focus == fText || (m.focus == fKV && m.kv.Editing())
}

func (m Model) updateKey(km tea.KeyMsg) (Model, tea.Cmd) {
	switch {
	case key.Matches(km, m.keys.Submit):
		return m.submit()
	case key.Matches(km, m.keys.Cancel) && !(m.focus == fKV && m.kv.Editing()):
		return m, func() tea.Msg { return CancelMsg{} }
	case key.Matches(km, m.keys.Next) && !(m.focus == fKV && m.kv.Editing()):
		return m.move(1)
	case key.Matches(km, m.keys.Prev) && !(m.focus == fKV && m.kv.Editing()):
		return m.move(-1)
	case key.Matches(km, m.keys.Generate) && m.generate != nil && (m.kind == KindGenerated || m.focus == fDBPassword):
		return m.startGenerate()
	case key.Matches(km, m.keys.Reveal) && (m.focus == fDBPassword || m.focus == fGenerated):
		if m.focus == fGenerated {
			m.revealGen = !m.revealGen
		} else if m.inputs[fDBPassword].EchoMode == textinput.EchoPassword {
			m.inputs[fDBPassword].EchoMode = textinput.EchoNormal
		} else {
			m.inputs[fDBPassword].EchoMode = textinput.EchoPassword
		}
		return m, nil
	}
	if !m.childOwnsKeys() && m.focus != fKV {
		switch {
		case key.Matches(km, m.keys.Down):
			return m.move(1)
		case key.Matches(km, m.keys.Up):
			return m.move(-1)
		}
	}
	switch {
	case m.focus == fKind && key.Matches(km, m.keys.Left):
		m.kind = (m.kind + kindCount - 1) % kindCount
		return m.kindChanged()
	case m.focus == fKind && key.Matches(km, m.keys.Right):
		m.kind = (m.kind + 1) % kindCount
		return m.kindChanged()
	case isToggle(m.focus) && key.Matches(km, m.keys.Toggle):
		m.toggles[m.focus] = !m.toggles[m.focus]
		return m, nil
	}
	m, cmd := m.forward(km)
	if m.focus == fName {
		m.nameErr = nameError(m.inputs[fName].Value())
	}
	return m, cmd
}

// kindChanged starts a generation when the generated type is chosen and
// there is no password yet, so the operator sees one at once.
func (m Model) kindChanged() (Model, tea.Cmd) {
	m.err = ""
	if m.kind == KindGenerated && m.generated == "" && m.generate != nil {
		return m.startGenerate()
	}
	return m, nil
}

// move shifts the focus by delta stops.
func (m Model) move(delta int) (Model, tea.Cmd) {
	stops := m.stops()
	i := 0
	for j, f := range stops {
		if f == m.focus {
			i = j
		}
	}
	i = (i + delta + len(stops)) % len(stops)
	return m.focusOn(stops[i])
}

func (m Model) focusOn(f field) (Model, tea.Cmd) {
	if isInput(m.focus) {
		m.inputs[m.focus].Blur()
	}
	m.focus = f
	if isInput(f) {
		return m, m.inputs[f].Focus()
	}
	return m, nil
}

// passwordInput is the generation request from the form's settings.
func (m Model) passwordInput() (*backend.GetRandomPasswordInput, error) {
	if m.genTarget == fDBPassword {
		// Characters that break connection strings and shell quoting, as
		// AWS's rotation templates leave them out.
		return &backend.GetRandomPasswordInput{ExcludeCharacters: "/@\"'\\"}, nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(m.inputs[fLength].Value()))
	if err != nil || n < backend.MinPasswordLength || n > backend.MaxPasswordLength {
		return nil, fmt.Errorf("length must be a number from %d to %d", backend.MinPasswordLength, backend.MaxPasswordLength)
	}
	require := m.toggles[fRequireEach]
	return &backend.GetRandomPasswordInput{
		PasswordLength:          &n,
		ExcludeCharacters:       m.inputs[fExclude].Value(),
		ExcludeUppercase:        !m.toggles[fUpper],
		ExcludeLowercase:        !m.toggles[fLower],
		ExcludeNumbers:          !m.toggles[fNumbers],
		ExcludePunctuation:      !m.toggles[fPunct],
		IncludeSpace:            m.toggles[fSpace],
		RequireEachIncludedType: &require,
	}, nil
}

func (m Model) startGenerate() (Model, tea.Cmd) {
	m.genTarget = fGenerated
	if m.focus == fDBPassword {
		m.genTarget = fDBPassword
	}
	in, err := m.passwordInput()
	if err != nil {
		m.err = err.Error()
		return m, nil
	}
	m.genSeq++
	id := m.genSeq
	m.generating = id
	m.err = ""
	gen, ctx := m.generate, m.ctx
	return m, func() tea.Msg {
		pw, err := gen(ctx, in)
		return GeneratedMsg{ID: id, Password: pw, Err: err}
	}
}

// notePrefix marks a name message that is advice, drawn as a hint.
const notePrefix = "note: "

// nameError checks a name as CreateSecret would, for display while typing;
// a name AWS accepts but advises against gets a note.
func nameError(name string) string {
	if name == "" {
		return ""
	}
	if err := backend.ValidateCreateSecret(&backend.CreateSecretInput{Name: name}); err != nil {
		return err.Error()
	}
	if i := len(name) - 7; i >= 0 && name[i] == '-' {
		// Accepted, but AWS advises against it: a partial ARN ends in a
		// hyphen and six random characters, so lookups by ARN can pick
		// the wrong secret.
		return notePrefix + "a name ending in a hyphen and six characters can be mistaken for a partial ARN"
	}
	return ""
}

// ParseTags reads "k=v, k2=v2": entries separated by commas, each split at
// its first '='; a key without '=' has an empty value.
func ParseTags(s string) ([]backend.Tag, error) {
	var tags []backend.Tag
	seen := map[string]bool{}
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if k == "" {
			return nil, fmt.Errorf("tag %q has no key", escaped.Line(part).String())
		}
		if seen[k] {
			return nil, fmt.Errorf("tag key %q is given twice", escaped.Line(k).String())
		}
		seen[k] = true
		tags = append(tags, backend.Tag{Key: k, Value: v})
	}
	return tags, nil
}

// value builds the first value from the chosen type; nil means the secret
// is created without a version, as CreateSecret allows.
func (m Model) value() (*string, field, error) {
	var v string
	switch m.kind {
	case KindKeyValue:
		v = m.kv.Value()
		if v == "{}" {
			return nil, fKV, nil
		}
	case KindText:
		v = m.text.Value()
		if v == "" {
			return nil, fText, nil
		}
	case KindDatabase:
		port := strings.TrimSpace(m.inputs[fPort].Value())
		var portJSON json.RawMessage
		if port != "" {
			n, err := strconv.Atoi(port)
			if err != nil || n < 1 || n > 65535 {
				return nil, fPort, fmt.Errorf("port must be a number from 1 to 65535")
			}
			portJSON = json.RawMessage(strconv.Itoa(n))
		}
		// The keys AWS's rotation functions read, in their documented order.
		type creds struct {
			Engine   string          `json:"engine"`
			Host     string          `json:"host"`
			Port     json.RawMessage `json:"port,omitempty"`
			Username string          `json:"username"`
			Password string          `json:"password"`
			DBName   string          `json:"dbname,omitempty"`
		}
		c := creds{
			Engine: strings.TrimSpace(m.inputs[fEngine].Value()), Host: strings.TrimSpace(m.inputs[fHost].Value()),
			Port: portJSON, Username: m.inputs[fUser].Value(), Password: m.inputs[fDBPassword].Value(),
			DBName: strings.TrimSpace(m.inputs[fDBName].Value()),
		}
		for f, s := range map[field]string{fEngine: c.Engine, fHost: c.Host, fUser: c.Username, fDBPassword: c.Password} {
			if s == "" {
				return nil, f, fmt.Errorf("%s is required for database credentials", f.label())
			}
		}
		var b strings.Builder
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(c); err != nil {
			return nil, fEngine, err
		}
		v = strings.TrimSuffix(b.String(), "\n")
	case KindGenerated:
		if m.generated == "" {
			return nil, fGenerated, fmt.Errorf("no password yet: press ctrl+g to generate one")
		}
		v = m.generated
	}
	if _, err := editor.Validate(v); err != nil {
		return nil, m.stops()[5], err
	}
	return &v, 0, nil
}

// Input assembles the request from the fields, or says which field is
// wrong.
func (m Model) Input() (*backend.CreateSecretInput, error) {
	in, _, err := m.input()
	return in, err
}

func (m Model) input() (*backend.CreateSecretInput, field, error) {
	tags, err := ParseTags(m.inputs[fTags].Value())
	if err != nil {
		return nil, fTags, err
	}
	value, f, err := m.value()
	if err != nil {
		return nil, f, err
	}
	in := &backend.CreateSecretInput{
		Name:               m.inputs[fName].Value(),
		Description:        m.inputs[fDescription].Value(),
		KmsKeyID:           strings.TrimSpace(m.inputs[fKMS].Value()),
		ClientRequestToken: m.token,
		SecretString:       value,
		Tags:               tags,
	}
	if err := backend.ValidateCreateSecret(in); err != nil {
		return nil, fieldFor(err), err
	}
	return in, 0, nil
}

// fieldFor guesses which field a validation error is about from the
// member AWS names in it.
func fieldFor(err error) field {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "'description'"):
		return fDescription
	case strings.Contains(msg, "kmsKeyId"):
		return fKMS
	case strings.Contains(msg, "tags") || strings.Contains(strings.ToLower(msg), "tag"):
		return fTags
	default:
		return fName
	}
}

func (m Model) submit() (Model, tea.Cmd) {
	in, f, err := m.input()
	if err != nil {
		m.err = err.Error()
		return m.focusOn(f)
	}
	m.err = ""
	return m, func() tea.Msg { return SubmitMsg{Input: in} }
}

// View implements tea.Model. Only the lines around the focus are drawn
// when the form is taller than the space it has.
func (m Model) View() string {
	st := m.styles
	var lines []string
	focusLine := 0
	label := func(f field) string {
		l := fmt.Sprintf("%-12s", f.label())
		if f == m.focus {
			return st.Focused.Render("> " + l)
		}
		return st.Label.Render("  " + l)
	}
	mark := func(f field) {
		if f == m.focus {
			focusLine = len(lines)
		}
	}
	row := func(f field, body string) {
		mark(f)
		lines = append(lines, label(f)+" "+body)
	}
	for _, f := range []field{fName, fDescription, fTags, fKMS} {
		row(f, m.inputs[f].View())
		if f == fName && m.nameErr != "" {
			style := st.Error
			if strings.HasPrefix(m.nameErr, notePrefix) {
				style = st.Hint
			}
			for _, l := range m.wrap(m.nameErr, 4) {
				lines = append(lines, style.Render("    "+l))
			}
		}
	}
	var kinds []string
	for k := ValueKind(0); k < kindCount; k++ {
		if k == m.kind {
			kinds = append(kinds, "["+k.String()+"]")
		} else {
			kinds = append(kinds, " "+k.String()+" ")
		}
	}
	row(fKind, strings.Join(kinds, " "))
	switch m.kind {
	case KindKeyValue:
		mark(fKV)
		hint := "  (a add, enter edit, d delete, v reveal)"
		if m.focus != fKV {
			hint = "  (tab here to add keys)"
		}
		lines = append(lines, st.Hint.Render(hint))
		for _, l := range strings.Split(m.kv.View(), "\n") {
			lines = append(lines, "  "+l)
		}
	case KindText:
		mark(fText)
		for _, l := range strings.Split(m.text.View(), "\n") {
			lines = append(lines, "  "+l)
		}
	case KindDatabase:
		for _, f := range []field{fEngine, fHost, fPort, fUser, fDBPassword, fDBName} {
			row(f, m.inputs[f].View())
		}
	case KindGenerated:
		row(fLength, m.inputs[fLength].View())
		row(fExclude, m.inputs[fExclude].View())
		for _, f := range []field{fUpper, fLower, fNumbers, fPunct, fSpace, fRequireEach} {
			box := "[ ]"
			if m.toggles[f] {
				box = "[x]"
			}
			row(f, box)
		}
		pw := st.Hint.Render("(ctrl+g to generate)")
		switch {
		case m.generating != 0:
			pw = st.Hint.Render("generating…")
		case m.generated != "" && m.revealGen:
			pw = escaped.Line(m.generated).String()
		case m.generated != "":
			pw = diff.Mask + st.Hint.Render(fmt.Sprintf("  (%d characters, ctrl+r to show)", len([]rune(m.generated))))
		}
		row(fGenerated, pw)
	}
	var footer []string
	if m.err != "" {
		footer = []string{""}
		for _, l := range m.wrap(escaped.Line(m.err).String(), 0) {
			footer = append(footer, st.Error.Render(l))
		}
	}
	if room := m.height - len(footer); m.height > 0 && len(lines) > room {
		// Keep the focused line in view, and the error under it.
		room = max(room, 1)
		start := max(0, min(focusLine-room/2, len(lines)-room))
		lines = lines[start : start+room]
	}
	return strings.Join(append(lines, footer...), "\n")
}
