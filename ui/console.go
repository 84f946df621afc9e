// Package ui is the terminal console: a Bubble Tea root model that routes
// messages to pages and dialogs, each with its own key map.
package ui

import (
	"context"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/ui/escaped"
)

// This file holds what the console's parts share: the configuration main
// hands it, the page and dialog interfaces with the optional ones pages may
// add, and the messages by which pages ask the root to act.

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

// ReopenFunc opens the AWS backend again with another profile and region
// (either may be empty for the SDK's default). The caller owns and closes
// every backend it returns.
type ReopenFunc func(ctx context.Context, profile, region string) (backend.Backend, error)

// ContextInfo is one named context of the configuration file, as the
// switcher lists it.
type ContextInfo struct {
	Name string
	// Summary says what the context points at ("aws profile prod in
	// eu-west-1", "local ~/lab/store.db").
	Summary string
}

// SwitchContextFunc opens the backend a named context describes. It never
// prompts: the console owns the terminal. The caller owns and closes every
// backend it returns.
type SwitchContextFunc func(ctx context.Context, name string) (backend.Backend, error)

// OpenStoreFunc opens an existing local store at path with a key file,
// as a target to copy secrets to. It never prompts: the console owns the
// terminal. The caller owns and closes every backend it returns.
type OpenStoreFunc func(ctx context.Context, path, keyFile string) (backend.Backend, error)

// page is a full-screen child of the root.
type page interface {
	Init() tea.Cmd
	Update(msg tea.Msg) tea.Cmd
	View() string
	SetSize(w, h int)
	help() keyHelp
	// status is the right-hand side of the status bar.
	status() string
	// inputFocused says a text field has the keys, so global single-letter
	// keys (q, ?) must not be taken from it.
	inputFocused() bool
	// close drops whatever the page holds that must not linger (values).
	close()
}

// dialog is a modal child of the root: while one is open it gets every key.
type dialog interface {
	Update(msg tea.Msg) tea.Cmd
	View(width int) string
	help() keyHelp
}

// The root asks pages (and dialogs) what only some of them have through
// these optional interfaces, never by their concrete types, so a new page
// gets the behaviour by having the method.

// unsaver is a page holding changes the operator has not saved.
type unsaver interface{ unsaved() bool }

// backer is a page with a mode of its own (a value view, a menu, a
// filter) that esc leaves before it leaves the page: back reports whether
// there was one.
type backer interface{ back() bool }

// inputFocuser is a dialog that can hold the keys in a text field; a
// dialog without the method never does.
type inputFocuser interface{ inputFocused() bool }

// errorShower is the page that shows the last error in full: the error
// key on it opens no second one.
type errorShower interface{ showsError() }

// helpNoter is a page with more to explain on the help screen than its
// keys (a filter's grammar, what copying offers).
type helpNoter interface{ helpNotes() []helpSection }

// helpSection is a titled block of notes on the help screen.
type helpSection struct {
	title string
	lines []string
}

// clicker is a page whose rows can be picked with the mouse: click selects
// the row drawn at line y of the page, and reports whether there was one.
type clicker interface{ click(y int) bool }

// Navigation messages: pages ask the root to change what is shown.
type (
	// pushPageMsg asks the root to show a page on top of the current one.
	pushPageMsg     struct{ p page }
	openDetailMsg   struct{ name string }
	openVersionsMsg struct{ name string }
	// openProfilesMsg asks the root for the profile switcher.
	openProfilesMsg struct{}
	// openAWSProfilesMsg asks for the AWS profile switcher itself, from
	// the context switcher's last row.
	openAWSProfilesMsg struct{}
	// openCopyMsg asks the root for the copy screen of names.
	openCopyMsg struct{ names []string }
	backMsg     struct{}
	// quitMsg asks the root to quit.
	quitMsg struct{}
)

func navigate(msg tea.Msg) tea.Cmd { return func() tea.Msg { return msg } }

// Dialogs open and close through the root, which shows one at a time.
type (
	openDialogMsg  struct{ d dialog }
	closeDialogMsg struct{}
)

func openDialog(d dialog) tea.Cmd { return navigate(openDialogMsg{d: d}) }

func closeDialog() tea.Msg { return closeDialogMsg{} }

// then closes the dialog and runs cmd.
func then(cmd tea.Cmd) tea.Cmd { return tea.Sequence(closeDialog, cmd) }

// unlockedMsg says the store is open.
type unlockedMsg struct{ backend backend.Backend }

// backendSwitchedMsg hands the root the backend reopened with another
// profile or region, or another context (then named).
type backendSwitchedMsg struct {
	backend backend.Backend
	context string
}

// reloadMsg asks every page showing secret (or all when empty) to fetch it
// again, after a mutation.
type reloadMsg struct{ name string }

// goneMsg says a secret no longer exists (force-deleted): pages showing it
// close.
type goneMsg struct{ name string }

// copyTextMsg asks the root to put text on the clipboard; the clipboard
// must be driven from Update.
type copyTextMsg struct {
	text string
	what escaped.Text
}

// startExternalMsg tells the root that $EDITOR is about to run on a value,
// so that the editor's answer goes back to that edit.
type startExternalMsg struct{ e externalEdit }

// clearNoteMsg asks the root to drop the status note: a page whose view
// changed enough that the note no longer applies sends it.
type clearNoteMsg struct{}

// taskDoneMsg ends a task. result is forwarded to the pages when the task
// succeeded, so the page that started it can update itself.
type taskDoneMsg struct {
	id     uint64
	done   escaped.Text
	err    error
	result tea.Msg
}

// flashMsg puts a message on the status bar for a while.
type flashMsg struct {
	text  escaped.Text
	isErr bool
}

// flashExpiredMsg clears the status message it names, unless a newer one
// replaced it.
type flashExpiredMsg struct{ seq uint64 }

// flash takes escaped text only: a status line quotes names and errors, and
// a raw one would reach the terminal as it is.
func flash(text escaped.Text, isErr bool) tea.Cmd {
	return func() tea.Msg { return flashMsg{text: text, isErr: isErr} }
}

func flashErr(err error) tea.Cmd {
	return flash(errorText(err), true)
}
