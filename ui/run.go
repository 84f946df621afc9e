// Package ui is the terminal console: a Bubble Tea root model that routes
// messages to pages and dialogs, each with its own key map.
package ui

import (
	"context"
	"fmt"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/theme"
	"github.com/secretary-sh/secretary/ui/clipboard"
)

// Config is everything main hands the console. The console never opens a
// store itself: main decides how, and passes functions for the screens that
// create or unlock one.
type Config struct {
	// Backend is an open backend, or nil when the console must first create
	// (NeedsInit) or unlock the store.
	Backend backend.Backend
	// Location names the store for the status bar and the unlock screen.
	Location string
	// NeedsInit says there is no store yet: show the first-run screen.
	NeedsInit bool
	// Init creates the store with a passphrase (typed twice) or, when
	// keyFile is non-empty, a newly generated key file at that path.
	Init func(ctx context.Context, passphrase []byte, keyFile string) (backend.Backend, error)
	// Unlock opens the existing store with a passphrase.
	Unlock func(ctx context.Context, passphrase []byte) (backend.Backend, error)
	// ReopenAWS, when set, opens the AWS backend again with another
	// profile and region: the console then offers the profile switcher.
	ReopenAWS ReopenFunc
	// Contexts are the configuration file's named contexts; with
	// SwitchContext set, the profile switcher (P) lists them and switches
	// the console to the one chosen. Context is the one in use.
	Contexts      []ContextInfo
	Context       string
	SwitchContext SwitchContextFunc
	// OpenStore, when set, opens a local store by path and key file: the
	// list can then copy secrets to a store typed in (C).
	OpenStore OpenStoreFunc
	// ReadOnly disables every mutation.
	ReadOnly bool
	// Theme is "auto", "dark", "light" or "mono".
	Theme string
	// ClipboardClear is how long a copied value stays on the clipboard.
	ClipboardClear time.Duration
	// Version is shown in the help screen.
	Version string
	// NoMouse leaves the mouse to the terminal (its own selection and
	// paste) instead of wheel scrolling and click-to-select.
	NoMouse bool
}

// darkBackground reads COLORFGBG ("fg;bg" or "fg;x;bg", ANSI colour
// numbers): backgrounds 7 and 9–15 are light.
func darkBackground(colorfgbg string) bool {
	parts := strings.Split(colorfgbg, ";")
	bg, err := strconv.Atoi(parts[len(parts)-1])
	if colorfgbg == "" || err != nil {
		return true
	}
	return !(bg == 7 || (bg >= 9 && bg <= 15))
}

// Run starts the console and blocks until the operator quits. It draws on
// the alternate screen so values never reach the terminal's scrollback.
// Every backend belongs to the caller, also those its Init and Unlock
// return: the caller made them and closes them.
func Run(ctx context.Context, cfg Config) error {
	if cfg.Backend == nil && ((cfg.NeedsInit && cfg.Init == nil) || (!cfg.NeedsInit && cfg.Unlock == nil)) {
		return fmt.Errorf("console: no backend and no way to create or unlock one")
	}
	r := lipgloss.NewRenderer(os.Stdout)
	// Asking the terminal for its background colour (OSC 11) can stall
	// for seconds where nobody answers (some multiplexers, slow links),
	// and the first frame must not wait: take COLORFGBG's word when the
	// terminal sets it, else assume dark (--theme light is there).
	dark := darkBackground(os.Getenv("COLORFGBG"))
	r.SetHasDarkBackground(dark)
	// Components that draw with Lip Gloss's default renderer (the text
	// editor's line numbers and cursor line) pick light or dark colours
	// by it: the same answer, never a query (see ui/termquiet), and the
	// operator's --theme first.
	switch cfg.Theme {
	case theme.Light:
		dark = false
	case theme.Dark:
		dark = true
	}
	lipgloss.SetHasDarkBackground(dark)
	if os.Getenv("NO_COLOR") != "" {
		// NO_COLOR asks for no colour, not for no attributes: keep bold
		// and reverse video (termenv would drop them) and draw in mono.
		cfg.Theme = theme.Mono
		r.SetColorProfile(termenv.ANSI)
	}
	st, err := theme.New(r, cfg.Theme)
	if err != nil {
		return fmt.Errorf("console: %w", err)
	}
	clip := clipboard.New(clipboard.WithTimeout(cfg.ClipboardClear))
	// The first frame shows the first page of secrets, not an empty list
	// that says "loading": an embedded store reads it in milliseconds.
	seed := fetchFirstPage(ctx, cfg.Backend)
	mopts := options{clip: clip, animate: true, seed: seed}
	if os.Getenv("GOMEMLIMIT") == "" {
		mopts.limitMemory = debug.SetMemoryLimit
	}
	m := newModel(ctx, &cfg, r, st, mopts)
	// 120 frames a second, Bubble Tea's most: a frame waits for the
	// renderer's next tick, and at the default 60 that alone could eat a
	// whole 16 ms keystroke budget.
	opts := []tea.ProgramOption{tea.WithAltScreen(), tea.WithContext(ctx), tea.WithOutput(os.Stdout), tea.WithFPS(120)}
	if !cfg.NoMouse {
		// Cell motion reports the wheel and clicks, not every move: no
		// traffic while the pointer only passes over. The terminal's own
		// selection then needs shift (most terminals) or --no-mouse.
		opts = append(opts, tea.WithMouseCellMotion())
	}
	p := tea.NewProgram(m, opts...)
	if _, err := p.Run(); err != nil && ctx.Err() == nil {
		return fmt.Errorf("console: %w", err)
	}
	return nil
}
