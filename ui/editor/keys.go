package editor

import "github.com/charmbracelet/bubbles/key"

// KVKeyMap is the key/value editor's key map.
type KVKeyMap struct {
	Up, Down, Add, Rename, Edit, Delete, Reveal, Save, Cancel key.Binding
	// Accept and Abort apply while a key or value is being typed.
	Accept, Abort, RevealInput key.Binding
}

// DefaultKVKeyMap is the key map the console uses.
func DefaultKVKeyMap() KVKeyMap {
	return KVKeyMap{
		Up:          key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:        key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		Add:         key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "add key")),
		Rename:      key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "rename key")),
		Edit:        key.NewBinding(key.WithKeys("enter", "e"), key.WithHelp("enter", "edit value")),
		Delete:      key.NewBinding(key.WithKeys("d", "delete"), key.WithHelp("d", "delete key")),
		Reveal:      key.NewBinding(key.WithKeys("v", " "), key.WithHelp("v", "reveal field")),
		Save:        key.NewBinding(key.WithKeys("ctrl+s"), key.WithHelp("ctrl+s", "review & save")),
		Cancel:      key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "discard")),
		Accept:      key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "accept")),
		Abort:       key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "undo typing")),
		RevealInput: key.NewBinding(key.WithKeys("ctrl+r"), key.WithHelp("ctrl+r", "show/hide")),
	}
}

// TextKeyMap is the text editor's key map.
type TextKeyMap struct {
	Save, Cancel key.Binding
}

// DefaultTextKeyMap is the key map the console uses.
func DefaultTextKeyMap() TextKeyMap {
	return TextKeyMap{
		Save:   key.NewBinding(key.WithKeys("ctrl+s"), key.WithHelp("ctrl+s", "review & save")),
		Cancel: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "discard")),
	}
}
