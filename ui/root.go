package ui

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/theme"
	"github.com/secretary-sh/secretary/ui/clipboard"
	"github.com/secretary-sh/secretary/ui/editor"
	"github.com/secretary-sh/secretary/ui/escaped"
)

// The smallest terminal the console lays out for; below it says so.
const (
	minWidth  = 60
	minHeight = 20
)

// model is the root: it routes keys and messages, owns sizes, the page
// stack, the open dialog, the help screen and the status bar, and does no
// work of its own.
type model struct {
	c       *common
	pages   []page
	dialog  dialog
	showing bool // help screen
	// helpOffset is the first help line shown: on a small terminal the
	// help is taller than the screen and scrolls.
	helpOffset int
	// helpScrolls says the last help drawn was taller than the screen.
	helpScrolls bool
	status      statusBar
	help        help.Model
	clip        *clipboard.Clipboard
	// copying names what the latest copy holds, for its status message.
	copying escaped.Text
	// quitAsk is the open "quit without saving?" question, if any.
	quitAsk dialog
	// external is the $EDITOR run in progress, if any.
	external      *externalEdit
	width, height int
	// reopen and getenv serve the AWS profile switcher.
	reopen ReopenFunc
	// contexts, context and switchContext serve the context switcher.
	contexts      []ContextInfo
	context       string
	switchContext SwitchContextFunc
	// openStore opens a local store typed in, as a copy's target.
	openStore OpenStoreFunc
	getenv    func(string) string
}

// options are what tests and Run may override.
type options struct {
	now     func() time.Time
	clip    *clipboard.Clipboard
	tick    func(d time.Duration, fn func(time.Time) tea.Msg) tea.Cmd
	animate bool
	// getenv finds the AWS shared files (os.Getenv when nil).
	getenv func(string) string
	// seed is the list's first page, read before the first frame.
	seed *listSeed
	// limitMemory sets the runtime's soft memory limit (see listMemory).
	limitMemory func(int64) int64
}

func newModel(ctx context.Context, cfg *Config, r *lipgloss.Renderer, st theme.Styles, o options) *model {
	if o.now == nil {
		o.now = time.Now
	}
	if o.tick == nil {
		o.tick = tea.Tick
	}
	if o.clip == nil {
		o.clip = clipboard.New(clipboard.WithTimeout(cfg.ClipboardClear), clipboard.WithClock(o.now))
	}
	c := &common{
		ctx:      ctx,
		backend:  cfg.Backend,
		location: cfg.Location,
		contexts: len(cfg.Contexts) > 0 && cfg.SwitchContext != nil,
		readOnly: cfg.ReadOnly,
		renderer: r,
		styles:   st,
		keys:     defaultKeyMaps(),
		now:      o.now,
		tasks:    &taskList{},
		version:  cfg.Version,
		tick:     o.tick,
		animate:  o.animate,
		memory:   &listMemory{limit: o.limitMemory},
	}
	if cfg.Backend != nil {
		c.info = cfg.Backend.Info()
		c.readOnly = c.readOnly || c.info.ReadOnly
	}
	h := help.New()
	h.ShortSeparator = " · "
	h.Styles.ShortKey, h.Styles.FullKey = st.Key, st.Key
	h.Styles.ShortDesc, h.Styles.FullDesc = st.Muted, st.Text
	h.Styles.ShortSeparator, h.Styles.FullSeparator = st.Muted, st.Muted
	h.Styles.Ellipsis = st.Muted
	if o.getenv == nil {
		o.getenv = os.Getenv
	}
	m := &model{c: c, help: h, clip: o.clip, status: statusBar{c: c}, reopen: cfg.ReopenAWS, getenv: o.getenv,
		contexts: cfg.Contexts, context: cfg.Context, switchContext: cfg.SwitchContext, openStore: cfg.OpenStore}
	if cfg.Backend != nil {
		l := newListPage(c)
		l.seed = o.seed
		m.pages = []page{l}
	} else {
		m.pages = []page{newUnlockPage(c, cfg)}
	}
	return m
}

func (m *model) top() page { return m.pages[len(m.pages)-1] }

func (m *model) Init() tea.Cmd { return tea.Batch(m.top().Init(), m.status.fetchIdentity()) }

// pageSize is the area left for pages: the terminal minus the status bar
// and the footer.
func (m *model) pageSize() (int, int) { return m.width, max(1, m.height-2) }

func (m *model) resize() {
	w, h := m.pageSize()
	m.c.width, m.c.height = w, h
	for _, p := range m.pages {
		p.SetSize(w, h)
	}
	m.help.Width = w
}

// clearNote drops a note about the screen being left ("sorted by name"):
// it does not belong on the next one the operator opens. An error stays
// until it expires, since it may explain why the operator moved on.
func (m *model) clearNote() {
	if !m.status.isErr {
		m.status.text = ""
	}
}

func (m *model) push(p page) tea.Cmd {
	w, h := m.pageSize()
	p.SetSize(w, h)
	m.pages = append(m.pages, p)
	return p.Init()
}

func (m *model) pop() {
	if len(m.pages) <= 1 {
		return
	}
	m.top().close()
	m.pages = m.pages[:len(m.pages)-1]
}

func (m *model) has(p page) bool {
	for _, q := range m.pages {
		if q == p {
			return true
		}
	}
	return false
}

func (m *model) quit() tea.Cmd {
	for _, p := range m.pages {
		p.close()
	}
	// A copied value whose clear timer is still running is cleared now:
	// the timer ends with the program.
	return tea.Sequence(m.clip.ClearPending(), tea.Quit)
}

// forceQuit quits, unless an edit form holds unsaved changes: then it
// asks first (No by default), and a second ctrl+c quits.
func (m *model) forceQuit() tea.Cmd {
	if u, ok := m.top().(unsaver); ok && u.unsaved() && (m.dialog == nil || m.dialog != m.quitAsk) {
		d := newConfirm(m.c, "Quit without saving?", "Quit", []escaped.Text{
			"This form has changes that are not saved; quitting drops them.",
			"ctrl+c again quits.",
		}, func(int) tea.Cmd { return navigate(quitMsg{}) })
		m.quitAsk = d
		m.dialog = d
		return nil
	}
	return m.quit()
}

// broadcast hands a message to every page; each drops what it did not ask
// for (every answer carries its request id).
func (m *model) broadcast(msg tea.Msg) tea.Cmd {
	cmds := make([]tea.Cmd, 0, len(m.pages)+1)
	for _, p := range m.pages {
		cmds = append(cmds, p.Update(msg))
	}
	if m.dialog != nil {
		if _, isKey := msg.(tea.KeyMsg); !isKey {
			cmds = append(cmds, m.dialog.Update(msg))
		}
	}
	return tea.Batch(cmds...)
}

func (m *model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.resize()
		return m, nil
	case tea.KeyMsg:
		return m, m.updateKey(msg)
	case tea.MouseMsg:
		return m, m.mouse(msg)
	case unlockedMsg:
		m.top().close()
		m.c.backend = msg.backend
		m.c.info = msg.backend.Info()
		m.c.readOnly = m.c.readOnly || m.c.info.ReadOnly
		m.pages = nil
		return m, m.push(newListPage(m.c))
	case pushPageMsg:
		// A note belongs to the page that made it; errors stay until read.
		m.clearNote()
		return m, m.push(msg.p)
	case clearNoteMsg:
		m.clearNote()
		return m, nil
	case startExternalMsg:
		e := msg.e
		m.external = &e
		return m, nil
	case editor.SavedMsg:
		e := m.external
		m.external = nil
		if e == nil {
			// Not a value's edit: a page's own (the Access page's policy).
			return m, m.broadcast(msg)
		}
		edited := string(msg.Value)
		clear(msg.Value)
		return m, finishExternal(m.c, *e, edited)
	case editor.CancelledMsg:
		m.external = nil
		return m, m.status.set(flashMsg{text: line(msg.Reason)})
	case editor.ErrorMsg:
		m.external = nil
		return m, m.status.set(flashMsg{text: line(msg.Error()), isErr: true})
	case openDetailMsg:
		m.clearNote()
		return m, m.push(newDetailPage(m.c, msg.name))
	case openVersionsMsg:
		m.clearNote()
		return m, m.push(newVersionsPage(m.c, msg.name))
	case openProfilesMsg:
		return m, m.openProfiles()
	case openCopyMsg:
		if cmd, ok := m.c.mutation("copying secrets"); !ok {
			return m, cmd
		}
		if m.openStore == nil && (m.switchContext == nil || len(m.contexts) < 2) {
			return m, flash("copying needs another context in the configuration file, or a local store to copy to", true)
		}
		return m, m.push(newCopyPage(m.c, msg.names, m.contexts, m.context, m.switchContext, m.openStore))
	case openAWSProfilesMsg:
		return m, m.openAWSProfiles()
	case backendSwitchedMsg:
		return m, m.switchBackend(msg.backend, msg.context)
	case identityMsg:
		m.status.setIdentity(msg)
		return m, nil
	case rotationMetaMsg:
		return m, msg.open(m.c)
	case backMsg:
		m.pop()
		return m, nil
	case quitMsg:
		return m, m.quit()
	case openDialogMsg:
		m.dialog = msg.d
		return m, nil
	case closeDialogMsg:
		m.dialog = nil
		return m, nil
	case flashMsg:
		return m, m.status.set(msg)
	case flashExpiredMsg:
		m.status.expire(msg)
		return m, nil
	case taskDoneMsg:
		m.c.tasks.remove(msg.id)
		if msg.err != nil {
			return m, m.status.set(flashMsg{text: errorText(msg.err), isErr: true})
		}
		cmds := []tea.Cmd{m.status.set(flashMsg{text: msg.done})}
		if msg.result != nil {
			cmds = append(cmds, func() tea.Msg { return msg.result })
		}
		return m, tea.Batch(cmds...)
	case goneMsg:
		for len(m.pages) > 1 {
			m.pop()
		}
		return m, m.broadcast(reloadMsg{})
	case valueMsg:
		if !m.has(msg.owner) {
			// The page that asked is gone: nobody will wipe it but us.
			msg.value.Wipe()
			return m, nil
		}
	case diffValuesMsg:
		if !m.has(msg.owner) {
			msg.old.Wipe()
			msg.new.Wipe()
			return m, nil
		}
	case copyTextMsg:
		m.copying = msg.what
		return m, m.clip.Copy(msg.text)
	case clipboard.CopiedMsg:
		text := line(msg.Status())
		if m.copying != "" {
			// Where it went and when it clears come first: a narrow
			// status bar cuts the end, and the operator knows what they
			// copied.
			text += " · " + m.copying
		}
		return m, tea.Batch(m.clip.Update(msg), m.status.set(flashMsg{text: text}))
	case clipboard.ErrorMsg:
		m.clip.Update(msg)
		return m, m.status.set(flashMsg{text: line(msg.Error()), isErr: true})
	case clipboard.ClearMsg:
		return m, m.clip.Update(msg)
	case clipboard.ClearedMsg:
		return m, m.status.set(flashMsg{text: line(msg.Status())})
	}
	return m, m.broadcast(msg)
}

func (m *model) updateKey(msg tea.KeyMsg) tea.Cmd {
	if msg.Type == tea.KeyRunes && len(msg.Runes) > 1 && !msg.Paste && !msg.Alt && !m.typing() {
		return m.keyBurst(msg.Runes)
	}
	g := m.c.keys.global
	if key.Matches(msg, g.ForceQuit) {
		return m.forceQuit()
	}
	if m.showing {
		nav := m.c.keys.list.navKeys
		_, h := m.pageSize()
		switch {
		case key.Matches(msg, g.Help) || key.Matches(msg, g.Back) || key.Matches(msg, g.Quit):
			m.showing = false
		case key.Matches(msg, nav.Down):
			m.helpOffset++
		case key.Matches(msg, nav.Up):
			m.helpOffset--
		case key.Matches(msg, nav.PageDown):
			m.helpOffset += h - 1
		case key.Matches(msg, nav.PageUp):
			m.helpOffset -= h - 1
		case key.Matches(msg, nav.Home):
			m.helpOffset = 0
		case key.Matches(msg, nav.End):
			m.helpOffset = 1 << 30
		}
		// View clamps the other end, where the help's height is known.
		m.helpOffset = max(0, m.helpOffset)
		return nil
	}
	if m.dialog != nil {
		return m.dialog.Update(msg)
	}
	p := m.top()
	if p.inputFocused() {
		return p.Update(msg)
	}
	switch {
	case key.Matches(msg, g.Quit):
		return m.quit()
	case key.Matches(msg, g.Help):
		m.showing, m.helpOffset = true, 0
		return nil
	case key.Matches(msg, g.Error):
		if m.status.lastErr == "" {
			return flash("no error to show", false)
		}
		if _, ok := p.(errorShower); ok {
			return nil
		}
		return m.push(newErrorPage(m.c, m.status.lastErr))
	case key.Matches(msg, g.Back):
		// A page with a mode of its own (a value view, a menu) leaves
		// that first.
		if b, ok := p.(backer); ok && b.back() {
			return nil
		}
		if len(m.pages) > 1 {
			m.pop()
			return nil
		}
	}
	return p.Update(msg)
}

// keyBurst handles keys typed faster than the terminal reports them (tmux,
// a slow SSH link): they arrive as one message with several runes, which
// no key binding matches. Each rune is handled as its own key, in order,
// while no text field has the focus; once one does (after "/", say), it
// gets the rest as typed. A key whose handling returns a command (it
// opens, closes or answers something, or quits) ends the burst: the rest
// was typed before the operator saw the result, and is dropped rather
// than sent to whatever the screen becomes, so "ny" in a confirmation
// never turns into a yes.
func (m *model) keyBurst(runes []rune) tea.Cmd {
	for i, r := range runes {
		if m.typing() {
			return m.updateKey(tea.KeyMsg{Type: tea.KeyRunes, Runes: runes[i:]})
		}
		if cmd := m.updateKey(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}}); cmd != nil {
			return cmd
		}
	}
	return nil
}

// typing says a text field has the keys.
func (m *model) typing() bool {
	if m.showing {
		return false
	}
	if m.dialog != nil {
		d, ok := m.dialog.(inputFocuser)
		return ok && d.inputFocused()
	}
	return m.top().inputFocused()
}

// View draws the frame through escaped.Frame: every page draws store
// strings escaped already, and Frame makes sure one that slipped past them
// reaches the terminal as visible escapes, not as a sequence it acts on.
func (m *model) View() string { return escaped.Frame(m.frame()) }

// frame composes the page, the status line and the footer.
func (m *model) frame() string {
	if m.width == 0 || m.height == 0 {
		// No size yet: draw nothing rather than guess.
		return ""
	}
	if m.width < minWidth || m.height < minHeight {
		msg := fmt.Sprintf("Terminal too small: %d×%d.\nsecretary needs at least %d×%d.", m.width, m.height, minWidth, minHeight)
		return m.c.renderer.Place(m.width, m.height, lipgloss.Center, lipgloss.Center, truncateLines(msg, m.width))
	}
	w, h := m.pageSize()
	var body string
	switch {
	case m.showing:
		body = m.helpView(w, h)
	case m.dialog != nil:
		body = m.c.renderer.Place(w, h, lipgloss.Center, lipgloss.Center, m.dialog.View(w))
	default:
		body = m.top().View()
	}
	body = clipLines(body, w, h)
	var hk keyHelp
	switch {
	case m.showing:
		hk = keyHelp{short: []key.Binding{m.c.keys.global.Back}}
		if m.helpScrolls {
			nav := m.c.keys.list.navKeys
			hk.short = append(hk.short, nav.Down, nav.Up)
		}
	case m.dialog != nil:
		hk = m.dialog.help()
	default:
		hk = m.top().help()
		if !m.top().inputFocused() {
			g := m.c.keys.global
			hk.short = append(hk.short[:len(hk.short):len(hk.short)], g.Help, g.Quit)
		}
	}
	footer := fit(m.help.ShortHelpView(hk.short), w)
	return body + "\n" + m.status.View(w, m.top().status()) + "\n" + footer
}

func (m *model) helpView(w, h int) string {
	st := m.c.styles
	hk := m.top().help()
	g := m.c.keys.global
	// The global keys come first, so quitting is always at the top.
	groups := append([][]key.Binding{{g.Help, g.Back, g.Quit, g.ForceQuit, g.Error}}, hk.full...)
	title := st.Title.Render("Keys")
	if m.c.version != "" {
		title += st.Muted.Render(" · " + line(m.c.version).String())
	}
	var sections []helpSection
	if n, ok := m.top().(helpNoter); ok {
		sections = n.helpNotes()
	}
	sections = append(sections, clipboardHelp())
	var notes []string
	for _, s := range sections {
		notes = append(notes, "", "", st.Header.Render(s.title))
		notes = append(notes, s.lines...)
	}
	if m.c.readOnly {
		notes = append(notes, "", st.Warning.Render("Read-only: every change is disabled."))
	}
	// Groups that do not fit beside each other go on the next row; the
	// notes wrap. Both stay inside the padding.
	inner := max(20, w-4)
	hm := m.help
	hm.Width = 0 // no truncation: the groups are laid out in rows below
	var blocks []string
	for start := 0; start < len(groups); {
		end := start + 1
		for end < len(groups) && lipgloss.Width(hm.FullHelpView(groups[start:end+1])) <= inner {
			end++
		}
		blocks = append(blocks, hm.FullHelpView(groups[start:end]))
		start = end
	}
	body := title + "\n\n" + strings.Join(blocks, "\n\n")
	if len(notes) > 0 {
		body += m.c.renderer.NewStyle().Width(inner).Render(strings.Join(notes, "\n"))
	}
	// Padding by hand: the help model may overrun its width by its
	// ellipsis, and a padded overrun would spill past the terminal.
	out := []string{""}
	for _, l := range strings.Split(body, "\n") {
		out = append(out, "  "+ansi.Truncate(l, inner, ""))
	}
	m.helpScrolls = len(out) > h
	if !m.helpScrolls {
		return strings.Join(out, "\n")
	}
	total := len(out)
	m.helpOffset = min(m.helpOffset, total-h)
	out = out[m.helpOffset : m.helpOffset+h]
	if m.helpOffset+h < total {
		// Say that the rest is there and how to reach it.
		out[h-1] = "  " + st.Muted.Render("↓ more: j/↓ scrolls")
	}
	return strings.Join(out, "\n")
}

// wheelRows is how many rows one notch of the wheel moves.
const wheelRows = 3

// mouse turns the wheel into up and down moves of the page (or of the
// help) and a left click into selecting the row under it. It leaves
// dialogs and text fields alone: a wheel notch must not edit or answer.
func (m *model) mouse(msg tea.MouseMsg) tea.Cmd {
	if m.dialog != nil {
		return nil
	}
	p := m.top()
	switch {
	case msg.Action == tea.MouseActionPress && (msg.Button == tea.MouseButtonWheelUp || msg.Button == tea.MouseButtonWheelDown):
		up := msg.Button == tea.MouseButtonWheelUp
		if m.showing {
			if up {
				m.helpOffset = max(0, m.helpOffset-wheelRows)
			} else {
				m.helpOffset += wheelRows
			}
			return nil
		}
		if p.inputFocused() {
			return nil
		}
		k := tea.KeyMsg{Type: tea.KeyDown}
		if up {
			k = tea.KeyMsg{Type: tea.KeyUp}
		}
		var cmds []tea.Cmd
		for range wheelRows {
			cmds = append(cmds, p.Update(k))
		}
		return tea.Batch(cmds...)
	case msg.Action == tea.MouseActionPress && msg.Button == tea.MouseButtonLeft:
		if m.showing || msg.Y >= m.height-2 {
			return nil
		}
		if c, ok := p.(clicker); ok {
			c.click(msg.Y)
		}
	}
	return nil
}

// openProfiles pushes the switcher: the configuration file's contexts when
// it has any, else the AWS profiles, which only an AWS backend given a way
// to reopen itself has.
func (m *model) openProfiles() tea.Cmd {
	if len(m.contexts) > 0 && m.switchContext != nil {
		return m.push(newContextPage(m.c, m.contexts, m.context, m.switchContext, m.reopen != nil && m.c.info.Kind == "aws"))
	}
	return m.openAWSProfiles()
}

// openAWSProfiles pushes the AWS profile and region switcher.
func (m *model) openAWSProfiles() tea.Cmd {
	if m.reopen == nil || m.c.info.Kind != "aws" {
		return flash("switching profiles works on the AWS backend (secretary --backend aws)", true)
	}
	return m.push(newProfilePage(m.c, m.reopen, m.getenv, m.status.ident.arn))
}

// switchBackend puts the reopened backend in place of the old one: every
// page is closed (they hold the old backend's answers) and the list loads
// anew, with the account fetched again in the background.
func (m *model) switchBackend(b backend.Backend, context string) tea.Cmd {
	if context != "" {
		m.context = context
	}
	for _, p := range m.pages {
		p.close()
	}
	m.pages = nil
	m.dialog = nil
	m.c.backend = b
	m.c.info = b.Info()
	if m.c.info.Kind == "local" {
		m.c.location = m.c.info.Location
	}
	m.c.readOnly = m.c.readOnly || m.c.info.ReadOnly
	return tea.Batch(m.push(newListPage(m.c)), m.status.fetchIdentity())
}

// clipboardHelp explains on every page's help where a copied value goes
// and how it is cleared, which differs by where the console runs.
func clipboardHelp() helpSection {
	return helpSection{title: "Clipboard", lines: []string{
		"on a workstation: the system clipboard, cleared after the timeout if it still holds the value",
		"over SSH: OSC 52 to your terminal, which does not confirm; the clear sends an empty selection",
		"inside tmux: tmux buffer \"secretary\", sent on to your terminal by tmux 3.2+ unless set-clipboard is off;",
		"with it off the value stays in tmux (fix: " + clipboard.TmuxFix + "); the clear deletes every tmux buffer holding it",
		"the status bar says which of these happened",
	}}
}

// clipLines makes s exactly h lines of at most w cells, so a page that
// misjudged its size cannot push the status bar off the screen.
func clipLines(s string, w, h int) string {
	ls := strings.Split(s, "\n")
	if len(ls) > h {
		ls = ls[:h]
	}
	for i, l := range ls {
		ls[i] = fit(l, w)
	}
	for len(ls) < h {
		ls = append(ls, strings.Repeat(" ", w))
	}
	return strings.Join(ls, "\n")
}

func truncateLines(s string, w int) string {
	ls := strings.Split(s, "\n")
	for i, l := range ls {
		ls[i] = truncate(l, w)
	}
	return strings.Join(ls, "\n")
}
