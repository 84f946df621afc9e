package ui

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/google/uuid"
	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/ui/editor"
	"github.com/secretary-sh/secretary/ui/escaped"
	"github.com/secretary-sh/secretary/ui/form"
)

func editorStyles(c *common) editor.Styles {
	st := c.styles
	return editor.Styles{Cursor: st.Selected, Key: st.Key, Value: st.Text, Masked: st.Masked, Hint: st.Muted, Error: st.Danger}
}

// editPage edits a secret's value in place: the key/value editor for JSON
// objects, the text area for anything else. It ends in a confirmation
// that summarizes the change, then a new AWSCURRENT version.
type editPage struct {
	c      *common
	name   string
	old    string
	kv     *editor.KV
	text   *editor.Text
	width  int
	height int
}

// openEditor picks the editor for value; a value the in-place editors
// cannot show safely goes to $EDITOR instead.
func openEditor(c *common, name string, v *backend.SecretValue) tea.Cmd {
	if v.IsBinary() {
		return editExternal(c, name, v)
	}
	old := valueText(v)
	p := &editPage{c: c, name: name, old: old}
	if fields, ok := jsonFields(old); ok && fields != nil || strings.TrimSpace(old) == "{}" {
		kv, err := editor.NewKV(old, editorStyles(c))
		if err == nil {
			p.kv = &kv
			return navigate(pushPageMsg{p})
		}
	}
	t, err := editor.NewText(old, editorStyles(c))
	if err != nil {
		return tea.Batch(flash(errorText(err), true), editExternal(c, name, v))
	}
	p.text = &t
	return navigate(pushPageMsg{p})
}

func (p *editPage) Init() tea.Cmd { return nil }

func (p *editPage) SetSize(w, h int) {
	p.width, p.height = w, h
	if p.kv != nil {
		p.kv.SetSize(w, h-2)
	}
	if p.text != nil {
		p.text.SetSize(w, h-2)
	}
}

func (p *editPage) inputFocused() bool { return true }

func (p *editPage) close() { p.kv, p.text, p.old = nil, nil, "" }

func (p *editPage) status() string { return "" }

// unsaved says the editor holds a change not saved yet.
func (p *editPage) unsaved() bool {
	switch {
	case p.kv != nil:
		return !editor.Summarize(p.old, p.kv.Value()).Unchanged()
	case p.text != nil:
		return p.text.Value() != p.old
	}
	return false
}

func (p *editPage) help() keyHelp {
	if p.kv != nil {
		return keyHelp{short: p.kv.ShortHelp(), full: p.kv.FullHelp()}
	}
	if p.text != nil {
		return keyHelp{short: p.text.ShortHelp(), full: p.text.FullHelp()}
	}
	return keyHelp{}
}

func (p *editPage) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case editor.SubmitMsg:
		return confirmSave(p.c, p.name, p.old, msg.Value, false)
	case editor.CancelMsg:
		return tea.Batch(navigate(backMsg{}), flash("edit discarded; nothing saved", false))
	case savedMsg:
		if msg.name == p.name {
			return navigate(backMsg{})
		}
		return nil
	}
	var cmd tea.Cmd
	switch {
	case p.kv != nil:
		var kv editor.KV
		kv, cmd = p.kv.Update(msg)
		p.kv = &kv
	case p.text != nil:
		var t editor.Text
		t, cmd = p.text.Update(msg)
		p.text = &t
	}
	return cmd
}

func (p *editPage) View() string {
	st := p.c.styles
	title := st.Title.Render(("Edit " + line(p.name)).String()) + st.Muted.Render(" · saved as a new AWSCURRENT version")
	var body string
	if p.kv != nil {
		body = p.kv.View()
	} else if p.text != nil {
		body = p.text.View()
	}
	return title + "\n\n" + body
}

// savedMsg says a new version of name was written.
type savedMsg struct{ name string }

// checkEdit validates an edit before anything is written: binary says new
// is base64 for a SecretBinary. It returns the decoded bytes of a binary
// value and the warnings for a text one.
func checkEdit(old, new string, binary bool) (raw []byte, warnings []string, err error) {
	if binary {
		b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(new))
		switch {
		case err != nil:
			return nil, nil, errors.New("the edited value is not valid base64")
		case len(b) == 0 || len(b) > maxValueBytes:
			return nil, nil, errors.New("a binary value must be 1 to 65,536 bytes")
		}
		return b, nil, nil
	}
	warnings, err = editor.ValidateEdit(old, new)
	return nil, warnings, err
}

// confirmSave validates an edit, summarizes it and asks before writing.
// binary says new is base64 for a SecretBinary.
func confirmSave(c *common, name, old, new string, binary bool) tea.Cmd {
	raw, warnings, err := checkEdit(old, new, binary)
	if err != nil {
		return flash(line(err.Error())+"; nothing saved", true)
	}
	sum := editor.Summarize(old, new)
	if sum.Unchanged() {
		return flash("no change; nothing saved", false)
	}
	shown := line(name)
	body := []escaped.Text{"Change: " + line(sum.String()) + "."}
	for _, w := range warnings {
		body = append(body, "Warning: "+line(w)+".")
	}
	body = append(body, "Save as the new AWSCURRENT version of "+shown+"? The current one becomes AWSPREVIOUS.")
	// One token for this save, made before it is confirmed: a served
	// store refuses a PutSecretValue without one, as AWS does, and a retry
	// of the same save is then a no-op instead of a second version.
	token := uuid.NewString()
	d := newConfirm(c, "Save new version", "Save", body, func(int) tea.Cmd {
		in := &backend.PutSecretValueInput{SecretID: name, ClientRequestToken: token}
		if binary {
			in.SecretBinary = raw
		} else {
			in.SecretString = &new
		}
		return c.task("Saving a new version of "+shown+"…", "new version of "+shown+" saved as AWSCURRENT",
			func(ctx context.Context, b backend.Backend) (tea.Msg, error) {
				_, err := b.PutSecretValue(ctx, in)
				if err != nil {
					return nil, err
				}
				return tea.BatchMsg{navigate(savedMsg{name: name}), navigate(reloadMsg{name: name})}, nil
			})
	})
	d.danger = false
	return openDialog(d)
}

// externalEdit remembers which secret an $EDITOR run is for: the
// editor's messages do not say.
type externalEdit struct {
	name, old string
	binary    bool
	// pretty says the editor was given old indented, since one line of
	// JSON is hard to edit; the edit is written back compact, as it was.
	pretty bool
}

// editExternal edits the value in $EDITOR (binary values as base64, one
// line of JSON indented).
func editExternal(c *common, name string, v *backend.SecretValue) tea.Cmd {
	e, shown := prepareExternal(name, v)
	return runExternal(c, e, shown)
}

// prepareExternal returns the edit and the text the editor starts with.
func prepareExternal(name string, v *backend.SecretValue) (externalEdit, string) {
	e := externalEdit{name: name, old: valueText(v), binary: v.IsBinary()}
	shown := e.old
	if !e.binary && structured(e.old) && !strings.Contains(strings.TrimSpace(e.old), "\n") {
		var buf bytes.Buffer
		if json.Indent(&buf, []byte(strings.TrimSpace(e.old)), "", "  ") == nil {
			shown, e.pretty = buf.String()+"\n", true
		}
	}
	return e, shown
}

func runExternal(c *common, e externalEdit, text string) tea.Cmd {
	return tea.Sequence(navigate(startExternalMsg{e}), editor.External(c.ctx, []byte(text), ""))
}

// structured says s is a JSON object or array (a bare number is JSON too,
// but no structure to keep).
func structured(s string) bool {
	t := strings.TrimSpace(s)
	return (strings.HasPrefix(t, "{") || strings.HasPrefix(t, "[")) && json.Valid([]byte(t))
}

// finishExternal takes what the operator saved in $EDITOR: an edit that
// breaks the JSON the value was, or that the store would refuse, is
// offered back to the editor with the operator's text, as kubectl edit
// does; a good one goes to the confirmation.
func finishExternal(c *common, e externalEdit, edited string) tea.Cmd {
	if !e.binary && structured(e.old) && !json.Valid([]byte(edited)) {
		return offerEditAgain(c, e, edited, "The edit is not valid JSON ("+syntaxWhere(edited)+"), and the value was JSON: applications that parse it would break.")
	}
	value := edited
	if e.pretty {
		// Compact keeps every token as written, so an untouched key
		// keeps its exact encoding ("\u003c" stays "\u003c", 1.50 stays
		// 1.50); only the indentation goes.
		var buf bytes.Buffer
		if json.Compact(&buf, []byte(edited)) == nil {
			value = buf.String()
		}
		if value == strings.TrimSpace(e.old) {
			return flash("value unchanged; nothing saved", false)
		}
	}
	if _, _, err := checkEdit(e.old, value, e.binary); err != nil {
		return offerEditAgain(c, e, edited, capitalize(err.Error())+".")
	}
	return confirmSave(c, e.name, e.old, value, e.binary)
}

// offerEditAgain asks whether to reopen $EDITOR with the operator's text
// or drop it; nothing is saved either way.
func offerEditAgain(c *common, e externalEdit, edited, why string) tea.Cmd {
	return openDialog(&choiceDialog{c: c, title: "Nothing saved",
		body:  []escaped.Text{line(why), "Edit again reopens the editor with your text; discard drops it."},
		first: bind("e", "edit again", "e"), then: bind("d", "discard", "d", "esc"),
		onFirst: runExternal(c, e, edited),
		onThen:  flash("edit discarded; nothing saved", false)})
}

// syntaxWhere says where a text stops being JSON, by line and column,
// without quoting it.
func syntaxWhere(s string) string {
	var v any
	var se *json.SyntaxError
	if err := json.Unmarshal([]byte(s), &v); errors.As(err, &se) {
		before := s[:min(int(se.Offset), len(s))]
		ln := strings.Count(before, "\n") + 1
		col := len(before) - strings.LastIndex(before, "\n")
		return fmt.Sprintf("syntax error at line %d, column %d", ln, col)
	}
	return "it does not parse"
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// createPage is the create-secret form.
type createPage struct {
	c    *common
	form form.Model
}

func newCreatePage(c *common) *createPage {
	st := c.styles
	f := form.New(form.Options{
		Styles:   form.Styles{Label: st.Muted, Focused: st.Key, Hint: st.Muted, Error: st.Danger, Editor: editorStyles(c)},
		Generate: c.backend.GetRandomPassword,
		Context:  c.ctx,
	})
	return &createPage{c: c, form: f}
}

func (p *createPage) Init() tea.Cmd { return nil }

func (p *createPage) SetSize(w, h int) { p.form.SetSize(w, h-2) }

func (p *createPage) inputFocused() bool { return true }

func (p *createPage) close() {}

func (p *createPage) status() string { return "" }

// unsaved says the form holds what the operator typed.
func (p *createPage) unsaved() bool { return p.form.Dirty() }

func (p *createPage) help() keyHelp {
	return keyHelp{short: p.form.ShortHelp(), full: p.form.FullHelp()}
}

func (p *createPage) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case form.SubmitMsg:
		in := msg.Input
		shown := line(in.Name)
		return p.c.task("Creating "+shown+"…", shown+" created", func(ctx context.Context, b backend.Backend) (tea.Msg, error) {
			if _, err := b.CreateSecret(ctx, in); err != nil {
				return nil, err
			}
			return tea.BatchMsg{navigate(createdMsg{name: in.Name}), navigate(reloadMsg{name: in.Name})}, nil
		})
	case form.CancelMsg:
		return navigate(backMsg{})
	case createdMsg:
		return navigate(backMsg{})
	}
	var cmd tea.Cmd
	p.form, cmd = p.form.Update(msg)
	return cmd
}

// createdMsg says the form's secret exists now.
type createdMsg struct{ name string }

func (p *createPage) View() string {
	st := p.c.styles
	return st.Title.Render("New secret") + "\n\n" + p.form.View()
}
