package editor

import (
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textarea"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/secretary-sh/secretary/ui/escaped"
)

// Text edits a plain-string value in a text area. The value is visible
// while it is edited: the caller opens it only when the operator asks to
// edit.
type Text struct {
	area   textarea.Model
	keys   TextKeyMap
	styles Styles
}

// NewText starts a text editor on value. A value the text area cannot
// show without sending control characters to the terminal, or edit without
// silently dropping them (it strips controls and expands tabs), is refused
// with ErrUnsafeText: edit it with External instead.
func NewText(value string, styles Styles) (Text, error) {
	if escaped.Lines(value).String() != value {
		return Text{}, ErrUnsafeText
	}
	a := textarea.New()
	a.ShowLineNumbers = true
	a.CharLimit = 0 // size is checked by Validate, with the reason
	a.MaxHeight = 0
	a.SetValue(value)
	// The text area also drops U+FFFD and stops at 10,000 lines: only a
	// value that comes back byte for byte is edited here.
	if a.Value() != value {
		return Text{}, ErrUnsafeText
	}
	a.Focus()
	return Text{area: a, keys: DefaultTextKeyMap(), styles: styles}, nil
}

// Value is the text as edited.
func (m Text) Value() string { return m.area.Value() }

// Init implements tea.Model: the cursor blinks.
func (m Text) Init() tea.Cmd { return textarea.Blink }

// SetSize sets the area the editor may draw in.
func (m *Text) SetSize(w, h int) {
	m.area.SetWidth(max(w, 10))
	m.area.SetHeight(max(h, 1))
}

// ShortHelp implements help.KeyMap.
func (m Text) ShortHelp() []key.Binding { return []key.Binding{m.keys.Save, m.keys.Cancel} }

// FullHelp implements help.KeyMap.
func (m Text) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }

// Update implements tea.Model.
func (m Text) Update(msg tea.Msg) (Text, tea.Cmd) {
	if km, ok := msg.(tea.KeyMsg); ok {
		switch {
		case key.Matches(km, m.keys.Save):
			v := m.Value()
			return m, func() tea.Msg { return SubmitMsg{Value: v} }
		case key.Matches(km, m.keys.Cancel):
			return m, func() tea.Msg { return CancelMsg{} }
		}
	}
	var cmd tea.Cmd
	m.area, cmd = m.area.Update(msg)
	return m, cmd
}

// View implements tea.Model.
func (m Text) View() string { return m.area.View() }
