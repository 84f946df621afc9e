package form

import "github.com/charmbracelet/bubbles/key"

// KeyMap is the create form's key map.
type KeyMap struct {
	Next, Prev, Up, Down key.Binding
	// Left and Right choose the value type on the type selector.
	Left, Right key.Binding
	Toggle      key.Binding
	Generate    key.Binding
	Reveal      key.Binding
	Submit      key.Binding
	Cancel      key.Binding
}

// DefaultKeyMap is the key map the console uses.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Next:     key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next field")),
		Prev:     key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous field")),
		Up:       key.NewBinding(key.WithKeys("up"), key.WithHelp("↑", "previous field")),
		Down:     key.NewBinding(key.WithKeys("down"), key.WithHelp("↓", "next field")),
		Left:     key.NewBinding(key.WithKeys("left"), key.WithHelp("←/→", "value type")),
		Right:    key.NewBinding(key.WithKeys("right")),
		Toggle:   key.NewBinding(key.WithKeys(" "), key.WithHelp("space", "toggle")),
		Generate: key.NewBinding(key.WithKeys("ctrl+g"), key.WithHelp("ctrl+g", "generate password")),
		Reveal:   key.NewBinding(key.WithKeys("ctrl+r"), key.WithHelp("ctrl+r", "show/hide password")),
		Submit:   key.NewBinding(key.WithKeys("ctrl+s"), key.WithHelp("ctrl+s", "create")),
		Cancel:   key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
	}
}
