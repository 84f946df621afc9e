package ui

import (
	"context"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/ui/escaped"
)

// openedMsg reports the end of a create or unlock attempt.
type openedMsg struct {
	id      uint64
	backend backend.Backend
	err     error
}

// unlockPage is the first-run screen (create the store with a passphrase
// typed twice, or a new key file) and the unlock screen (one masked field,
// a clear error, retry).
type unlockPage struct {
	c       *common
	keys    *unlockKeys
	init    bool
	useFile bool // first run: key file instead of passphrase
	inputs  []textinput.Model
	focus   int
	busy    bool
	errText escaped.Text
	tryID   uint64
	initFn  func(ctx context.Context, passphrase []byte, keyFile string) (backend.Backend, error)
	openFn  func(ctx context.Context, passphrase []byte) (backend.Backend, error)

	width, height int
}

func newUnlockPage(c *common, cfg *Config) *unlockPage {
	u := &unlockPage{c: c, keys: &c.keys.unlock, init: cfg.NeedsInit, initFn: cfg.Init, openFn: cfg.Unlock}
	u.reset()
	return u
}

func secretInput(prompt string) textinput.Model {
	ti := newInput()
	ti.Prompt = prompt
	ti.EchoMode = textinput.EchoPassword
	ti.EchoCharacter = '•'
	ti.CharLimit = 1024
	return ti
}

// reset rebuilds the fields for the current mode, dropping what was typed.
func (u *unlockPage) reset() {
	switch {
	case !u.init:
		u.inputs = []textinput.Model{secretInput("Passphrase: ")}
	case u.useFile:
		ti := newInput()
		ti.Prompt = "Key file:   "
		ti.CharLimit = 4096
		ti.SetValue(strings.TrimSuffix(u.c.location, ".db") + ".key")
		ti.CursorEnd()
		u.inputs = []textinput.Model{ti}
	default:
		u.inputs = []textinput.Model{secretInput("Passphrase: "), secretInput("Again:      ")}
	}
	u.focus = 0
	u.inputs[0].Focus()
}

func (u *unlockPage) Init() tea.Cmd { return nil }

func (u *unlockPage) SetSize(w, h int) {
	u.width, u.height = w, h
	for i := range u.inputs {
		u.inputs[i].Width = max(10, min(60, w-20))
	}
}

func (u *unlockPage) inputFocused() bool { return true }

func (u *unlockPage) close() { u.reset() }

func (u *unlockPage) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case openedMsg:
		if msg.id != u.tryID {
			if msg.backend != nil {
				_ = msg.backend.Close()
			}
			return nil
		}
		u.busy = false
		if msg.err != nil {
			u.errText = errorText(msg.err)
			u.reset()
			return nil
		}
		return navigate(unlockedMsg{backend: msg.backend})
	case tea.KeyMsg:
		if u.busy {
			return nil
		}
		k := u.keys
		switch {
		case key.Matches(msg, k.Switch) && u.init:
			if u.useFile || len(u.inputs) == 1 || u.focus == len(u.inputs)-1 {
				// Tab past the last field switches between passphrase
				// and key file.
				u.useFile = !u.useFile
				u.errText = ""
				u.reset()
				u.SetSize(u.width, u.height)
				return nil
			}
			u.inputs[u.focus].Blur()
			u.focus++
			return u.inputs[u.focus].Focus()
		case key.Matches(msg, k.Submit):
			if u.focus < len(u.inputs)-1 {
				u.inputs[u.focus].Blur()
				u.focus++
				return u.inputs[u.focus].Focus()
			}
			return u.submit()
		}
	}
	var cmd tea.Cmd
	u.inputs[u.focus], cmd = u.inputs[u.focus].Update(msg)
	if _, ok := msg.(tea.KeyMsg); ok {
		u.errText = ""
	}
	return cmd
}

func (u *unlockPage) submit() tea.Cmd {
	ctx := u.c.ctx
	id := u.c.nextID()
	switch {
	case u.init && u.useFile:
		path := strings.TrimSpace(u.inputs[0].Value())
		if path == "" {
			u.errText = "Type where to write the new key file."
			return nil
		}
		u.tryID, u.busy = id, true
		fn := u.initFn
		return func() tea.Msg {
			b, err := fn(ctx, nil, path)
			return openedMsg{id: id, backend: b, err: err}
		}
	case u.init:
		p1, p2 := u.inputs[0].Value(), u.inputs[1].Value()
		switch {
		case p1 == "":
			u.errText = "Type a passphrase."
			return nil
		case p1 != p2:
			u.errText = "The two passphrases differ; type them again."
			u.reset()
			return nil
		}
		u.tryID, u.busy = id, true
		fn := u.initFn
		pass := []byte(p1)
		u.reset()
		return func() tea.Msg {
			defer clear(pass)
			b, err := fn(ctx, pass, "")
			return openedMsg{id: id, backend: b, err: err}
		}
	default:
		p := u.inputs[0].Value()
		if p == "" {
			u.errText = "Type the passphrase."
			return nil
		}
		u.tryID, u.busy = id, true
		fn := u.openFn
		pass := []byte(p)
		u.reset()
		return func() tea.Msg {
			defer clear(pass)
			b, err := fn(ctx, pass)
			return openedMsg{id: id, backend: b, err: err}
		}
	}
}

func (u *unlockPage) help() keyHelp {
	k := u.keys
	if u.init {
		return keyHelp{short: []key.Binding{k.Submit, k.Switch, k.Quit}}
	}
	return keyHelp{short: []key.Binding{k.Submit, k.Quit}}
}

func (u *unlockPage) status() string { return "" }

func (u *unlockPage) View() string {
	st := u.c.styles
	var b strings.Builder
	loc := line(u.c.location)
	switch {
	case u.init:
		b.WriteString(st.Title.Render("Create a new store") + "\n\n")
		b.WriteString("No store exists at " + loc.String() + " yet.\n")
		if u.useFile {
			b.WriteString("A new random key is written to this file (mode 0600).\nKeep it safe: without it the store cannot be opened.\n\n")
		} else {
			b.WriteString("Choose a passphrase; it is asked whenever the store is opened.\n" +
				"There is no way to recover the secrets without it.\n\n")
		}
	default:
		b.WriteString(st.Title.Render("Unlock the store") + "\n\n")
		b.WriteString(loc.String() + " is locked.\n\n")
	}
	for _, in := range u.inputs {
		b.WriteString(in.View() + "\n")
	}
	b.WriteString("\n")
	switch {
	case u.busy && u.init:
		b.WriteString(st.Muted.Render("Creating the store…"))
	case u.busy:
		b.WriteString(st.Muted.Render("Unlocking…"))
	case u.errText != "":
		b.WriteString(st.Danger.Render(u.errText.String()))
	}
	if u.init {
		other := "use a key file instead"
		if u.useFile {
			other = "use a passphrase instead"
		}
		b.WriteString("\n\n" + st.Muted.Render("tab: "+other))
	}
	box := u.c.renderer.NewStyle().Width(min(u.width, 72)).Render(b.String())
	return u.c.renderer.Place(u.width, u.height, lipgloss.Center, lipgloss.Center, box)
}
