// Package ui is the terminal console: a Bubble Tea root model that routes
// messages to pages and dialogs, each with its own key map.
package ui

import (
	"context"
	"errors"
	"time"

	"github.com/secretary-sh/secretary/backend"
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
	// ReadOnly disables every mutation.
	ReadOnly bool
	// Theme is "auto", "dark", "light" or "mono".
	Theme string
	// ClipboardClear is how long a copied value stays on the clipboard.
	ClipboardClear time.Duration
	// Version is shown in the help screen.
	Version string
}

// Run starts the console and blocks until the operator quits.
func Run(ctx context.Context, cfg Config) error {
	return errors.New("the console is not built yet")
}
