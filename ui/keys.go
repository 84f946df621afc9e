package ui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

func bind(help, desc string, keys ...string) key.Binding {
	return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
}

// globalKeys work on every page unless a text field has the focus.
type globalKeys struct {
	Quit      key.Binding
	ForceQuit key.Binding
	Help      key.Binding
	Back      key.Binding
	// Error opens the latest error in full.
	Error key.Binding
}

// navKeys move a cursor through rows; every page with rows embeds them.
// move applies a navigation key to a cursor over n rows shown page rows
// at a time. It returns the new cursor, within [0, n-1] (0 when n is 0),
// and whether msg was a navigation key.
func (k navKeys) move(msg tea.KeyMsg, cursor, n, page int) (int, bool) {
	switch {
	case key.Matches(msg, k.Up):
		cursor--
	case key.Matches(msg, k.Down):
		cursor++
	case key.Matches(msg, k.PageUp):
		cursor -= page
	case key.Matches(msg, k.PageDown):
		cursor += page
	case key.Matches(msg, k.Home):
		cursor = 0
	case key.Matches(msg, k.End):
		cursor = n - 1
	default:
		return cursor, false
	}
	return max(0, min(cursor, n-1)), true
}

type navKeys struct {
	Up       key.Binding
	Down     key.Binding
	PageUp   key.Binding
	PageDown key.Binding
	Home     key.Binding
	End      key.Binding
}

type listKeys struct {
	navKeys
	Open        key.Binding
	Filter      key.Binding
	ClearFilter key.Binding
	AcceptInput key.Binding
	Jump        key.Binding
	Mark        key.Binding
	MarkAll     key.Binding
	Tag         key.Binding
	CopyTo      key.Binding
	Sort        key.Binding
	Reverse     key.Binding
	ShowDeleted key.Binding
	Refresh     key.Binding
	Versions    key.Binding
	Copy        key.Binding
	// Mutations.
	Create      key.Binding
	Delete      key.Binding
	ForceDelete key.Binding
	Restore     key.Binding

	// Rotation of the selected secret.
	ConfigureRotation key.Binding
	RotateNow         key.Binding
	CancelRotation    key.Binding

	// Audit shows every secret's audit records; Profiles switches the AWS
	// profile and region.
	Audit    key.Binding
	Profiles key.Binding
}

type detailKeys struct {
	navKeys
	Reveal      key.Binding
	Format      key.Binding
	Copy        key.Binding
	CopyField   key.Binding
	RevealField key.Binding
	// CopyMenu copies the name, the ARN, a command or a console URL.
	CopyMenu    key.Binding
	Versions    key.Binding
	Refresh     key.Binding
	Edit        key.Binding
	External    key.Binding
	Description key.Binding
	Tags        key.Binding
	Delete      key.Binding
	ForceDelete key.Binding
	Restore     key.Binding

	// Rotation.
	ConfigureRotation key.Binding
	RotateNow         key.Binding
	CancelRotation    key.Binding

	// Audit shows this secret's audit records.
	Audit key.Binding
	// Access shows who may do what to the secret: its resource policy.
	Access key.Binding
}

// rotationKeys drive the rotation form and the rotation progress panel.
type rotationKeys struct {
	Next     key.Binding
	Prev     key.Binding
	Choose   key.Binding
	Toggle   key.Binding
	Submit   key.Binding
	Cancel   key.Binding
	Versions key.Binding
}

type versionKeys struct {
	navKeys
	Open       key.Binding
	Reveal     key.Binding
	Deprecated key.Binding
	Mark       key.Binding
	Diff       key.Binding
	Refresh    key.Binding
	AddLabel   key.Binding
	DropLabel  key.Binding
	Rollback   key.Binding
}

type dialogKeys struct {
	Left    key.Binding
	Right   key.Binding
	Yes     key.Binding
	No      key.Binding
	Confirm key.Binding
	Cancel  key.Binding
}

type unlockKeys struct {
	Submit key.Binding
	Switch key.Binding
	Quit   key.Binding
}

// keyMaps holds one key map per context, built once; pages read theirs
// from the shared common struct.
type keyMaps struct {
	global  globalKeys
	list    listKeys
	detail  detailKeys
	version versionKeys
	dialog  dialogKeys
	unlock  unlockKeys
	rotate  rotationKeys
	profile profileKeys
	audit   auditKeys
	access  accessKeys
	// copyMenu picks what the detail page's copy menu copies.
	copyMenu copyMenuKeys
}

func defaultNav() navKeys {
	return navKeys{
		Up:       bind("↑/k", "up", "up", "k"),
		Down:     bind("↓/j", "down", "down", "j"),
		PageUp:   bind("pgup", "page up", "pgup", "ctrl+b"),
		PageDown: bind("pgdn", "page down", "pgdown", "ctrl+f", " "),
		Home:     bind("g/home", "first", "home", "g"),
		End:      bind("G/end", "last", "end", "G"),
	}
}

func defaultKeyMaps() keyMaps {
	return keyMaps{
		global: globalKeys{
			Quit:      bind("q", "quit", "q"),
			ForceQuit: bind("ctrl+c", "quit", "ctrl+c"),
			Help:      bind("?", "help", "?"),
			Back:      bind("esc", "back", "esc"),
			Error:     bind("!", "full error", "!"),
		},
		list: listKeys{
			navKeys:     defaultNav(),
			Open:        bind("enter", "open", "enter"),
			Filter:      bind("/", "filter", "/"),
			ClearFilter: bind("esc", "clear filter", "esc"),
			AcceptInput: bind("enter", "done", "enter"),
			Jump:        bind(":", "jump to name", ":"),
			Mark:        bind("space", "mark", " ", "space"),
			MarkAll:     bind("ctrl+a", "mark all shown", "ctrl+a"),
			Tag:         bind("t", "add tag", "t"),
			CopyTo:      bind("C", "copy secrets to…", "C"),
			Sort:        bind("s", "sort by", "s"),
			Reverse:     bind("S", "reverse", "S"),
			ShowDeleted: bind("x", "show deleted", "x"),
			Refresh:     bind("ctrl+r", "refresh", "ctrl+r"),
			Versions:    bind("v", "versions", "v"),
			Copy:        bind("c", "copy value", "c"),
			Create:      bind("n", "new secret", "n"),
			Delete:      bind("d", "delete", "d"),
			ForceDelete: bind("D", "force delete", "D"),
			Restore:     bind("u", "restore", "u"),

			// r is reveal on the detail page, ctrl+r refresh everywhere:
			// rotation takes capitals and o, the same on both pages.
			ConfigureRotation: bind("R", "rotation settings", "R"),
			RotateNow:         bind("o", "rotate now", "o"),
			CancelRotation:    bind("O", "turn rotation off", "O"),

			Audit:    bind("A", "audit log", "A"),
			Profiles: bind("P", "switch context or AWS profile", "P"),
		},
		detail: detailKeys{
			navKeys:     defaultNav(),
			Reveal:      bind("r", "reveal/hide", "r"),
			Format:      bind("f", "raw/table, hex/base64", "f"),
			Copy:        bind("c", "copy value", "c"),
			CopyField:   bind("y", "fields (masked) / copy field", "y"),
			RevealField: bind("space", "reveal one field", " ", "space"),
			// c keeps copying the value in one key; the rest is a menu.
			CopyMenu:    bind("C", "copy name, ARN, command, URL…", "C"),
			Versions:    bind("v", "versions", "v"),
			Refresh:     bind("ctrl+r", "refresh", "ctrl+r"),
			Edit:        bind("e", "edit value", "e"),
			External:    bind("E", "edit in $EDITOR", "E"),
			Description: bind("i", "edit description", "i"),
			Tags:        bind("t", "edit tags", "t"),
			Delete:      bind("d", "delete", "d"),
			ForceDelete: bind("D", "force delete", "D"),
			Restore:     bind("u", "restore", "u"),

			ConfigureRotation: bind("R", "rotation settings", "R"),
			RotateNow:         bind("o", "rotate now", "o"),
			CancelRotation:    bind("O", "turn rotation off", "O"),

			Audit:  bind("a", "audit", "a"),
			Access: bind("A", "access & resource policy", "A"),
		},
		version: versionKeys{
			navKeys:    defaultNav(),
			Open:       bind("enter", "view value", "enter"),
			Reveal:     bind("r", "reveal/hide", "r"),
			Deprecated: bind("p", "show deprecated", "p"),
			Mark:       bind("m", "mark for diff", "m"),
			Diff:       bind("=", "diff with mark", "="),
			Refresh:    bind("ctrl+r", "refresh", "ctrl+r"),
			AddLabel:   bind("a", "add/move label here", "a"),
			DropLabel:  bind("x", "remove label", "x"),
			Rollback:   bind("b", "roll back to this", "b"),
		},
		dialog: dialogKeys{
			Left:    bind("←/→", "choose", "left", "h", "shift+tab"),
			Right:   bind("→", "choose", "right", "l", "tab"),
			Yes:     bind("y", "yes", "y"),
			No:      bind("n", "no", "n"),
			Confirm: bind("enter", "confirm", "enter"),
			Cancel:  bind("esc", "cancel", "esc"),
		},
		unlock: unlockKeys{
			Submit: bind("enter", "submit", "enter"),
			Switch: bind("tab", "passphrase / key file", "tab"),
			Quit:   bind("ctrl+c", "quit", "ctrl+c"),
		},
		rotate: rotationKeys{
			Next:     bind("tab/↓", "next field", "tab", "down"),
			Prev:     bind("shift+tab/↑", "previous field", "shift+tab", "up"),
			Choose:   bind("←/→", "choose function", "left", "right"),
			Toggle:   bind("space", "toggle", " "),
			Submit:   bind("ctrl+s", "save", "ctrl+s"),
			Cancel:   bind("esc", "cancel", "esc"),
			Versions: bind("v", "versions", "v"),
		},
		profile:  defaultProfileKeys(),
		audit:    defaultAuditKeys(),
		access:   defaultAccessKeys(),
		copyMenu: defaultCopyMenuKeys(),
	}
}

// visible drops mutation bindings in read-only mode, so help never offers
// what the console will refuse.
func visible(readOnly bool, bs []key.Binding, mutations ...key.Binding) []key.Binding {
	if !readOnly {
		return bs
	}
	out := bs[:0:0]
	for _, b := range bs {
		mut := false
		for _, m := range mutations {
			if b.Help() == m.Help() {
				mut = true
				break
			}
		}
		if !mut {
			out = append(out, b)
		}
	}
	return out
}

// keyHelp adapts a page's bindings to help.KeyMap.
type keyHelp struct {
	short []key.Binding
	full  [][]key.Binding
}

func (k keyHelp) ShortHelp() []key.Binding  { return k.short }
func (k keyHelp) FullHelp() [][]key.Binding { return k.full }

// accessKeys drive the Access page of a secret.
type accessKeys struct {
	navKeys
	Edit        key.Binding
	Delete      key.Binding
	BlockPublic key.Binding
	ScrollUp    key.Binding
	ScrollDown  key.Binding
	Refresh     key.Binding
}

func defaultAccessKeys() accessKeys {
	return accessKeys{
		navKeys:     defaultNav(),
		Edit:        bind("e", "edit policy in $EDITOR", "e"),
		Delete:      bind("d", "delete policy", "d"),
		BlockPublic: bind("b", "block public policy on/off", "b"),
		ScrollUp:    bind("[", "scroll policy up", "["),
		ScrollDown:  bind("]", "scroll policy down", "]"),
		Refresh:     bind("ctrl+r", "refresh", "ctrl+r"),
	}
}

// auditKeys drive the audit view.
type auditKeys struct {
	navKeys
	Refresh    key.Binding
	Filter     key.Binding
	WritesOnly key.Binding
	Accept     key.Binding
	Clear      key.Binding
}

func defaultAuditKeys() auditKeys {
	return auditKeys{navKeys: defaultNav(), Refresh: bind("ctrl+r", "refresh", "ctrl+r"),
		Filter:     bind("/", "filter (op: actor: secret:)", "/"),
		WritesOnly: bind("w", "writes only", "w"),
		Accept:     bind("enter", "apply filter", "enter"),
		Clear:      bind("esc", "clear filter", "esc"),
	}
}

// copyMenuKeys pick what the detail page's copy menu copies: what an
// operator pastes next, into a ticket, a shell or a browser.
type copyMenuKeys struct {
	Value  key.Binding
	Name   key.Binding
	ARN    key.Binding
	Get    key.Binding
	AWS    key.Binding
	URL    key.Binding
	Cancel key.Binding
}

func defaultCopyMenuKeys() copyMenuKeys {
	return copyMenuKeys{
		Value:  bind("c", "value", "c", "v"),
		Name:   bind("n", "name", "n"),
		ARN:    bind("a", "ARN", "a"),
		Get:    bind("g", "get command", "g"),
		AWS:    bind("w", "aws command", "w"),
		URL:    bind("u", "AWS console URL", "u"),
		Cancel: bind("esc", "cancel", "esc"),
	}
}

// profileKeys drive the profile/region switcher.
type profileKeys struct {
	navKeys
	Choose key.Binding
	Back   key.Binding
}

func defaultProfileKeys() profileKeys {
	return profileKeys{
		navKeys: defaultNav(),
		Choose:  bind("enter", "choose", "enter"),
		Back:    bind("esc", "back", "esc"),
	}
}

// tagKeys drive the tags editor: its fields always have the keys, so its
// own actions take control keys.
type tagKeys struct {
	Next   key.Binding
	Prev   key.Binding
	Up     key.Binding
	Down   key.Binding
	Add    key.Binding
	Remove key.Binding
	Save   key.Binding
	Cancel key.Binding
}

func defaultTagKeys() tagKeys {
	return tagKeys{
		Next:   bind("tab", "next field", "tab"),
		Prev:   bind("shift+tab", "previous field", "shift+tab"),
		Up:     bind("↑", "tag above", "up"),
		Down:   bind("↓", "tag below", "down"),
		Add:    bind("ctrl+n", "add tag", "ctrl+n"),
		Remove: bind("ctrl+d", "remove tag", "ctrl+d"),
		Save:   bind("ctrl+s", "review & save", "ctrl+s"),
		Cancel: bind("esc", "discard", "esc"),
	}
}

func (k copyMenuKeys) bindings(aws bool) []key.Binding {
	bs := []key.Binding{k.Name, k.ARN, k.Get, k.AWS}
	if aws {
		bs = append(bs, k.URL)
	}
	return append(bs, k.Value, k.Cancel)
}
