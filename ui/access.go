package ui

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/ui/editor"
	"github.com/secretary-sh/secretary/ui/escaped"
)

// accessAction is one column of the who-can table: what an operator means
// and the action that decides it.
type accessAction struct {
	title, action string
}

// accessActions are the columns of the who-can table.
var accessActions = []accessAction{
	{"READ", "secretsmanager:GetSecretValue"},
	{"WRITE", "secretsmanager:PutSecretValue"},
	{"RELABEL", "secretsmanager:UpdateSecretVersionStage"},
	{"ROTATE", "secretsmanager:RotateSecret"},
	{"DELETE", "secretsmanager:DeleteSecret"},
	{"MANAGE", "secretsmanager:PutResourcePolicy"},
}

// noSimulation is what the page says where the backend cannot evaluate
// policies for every principal: guessing would be worse than nothing.
const noSimulation = "who-can needs iam:SimulatePrincipalPolicy; not available on this backend"

// policyTemplate is what the editor starts from when the secret has no
// resource policy: a valid document that denies nothing useful to delete.
const policyTemplate = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "DenyDeleteExceptAdmin",
      "Effect": "Deny",
      "Principal": {"AWS": "*"},
      "Action": "secretsmanager:DeleteSecret",
      "Resource": "*",
      "Condition": {"StringNotEquals": {"aws:username": "admin"}}
    }
  ]
}
`

type (
	// accessPolicyMsg delivers the secret's resource policy.
	accessPolicyMsg struct {
		id     uint64
		policy string
		err    error
	}
	// accessWhoMsg delivers the who-can table.
	accessWhoMsg struct {
		id  uint64
		who []backend.PrincipalAccess
		err error
	}
	// accessCheckedMsg delivers ValidateResourcePolicy's findings on an
	// edited policy.
	accessCheckedMsg struct {
		id       uint64
		doc      string
		findings []backend.ValidationEntry
		err      error
	}
	// accessPutMsg says how saving a policy went.
	accessPutMsg struct {
		id  uint64
		doc string
		err error
	}
)

// accessPage shows who may do what to one secret: its resource policy,
// which it edits and deletes, and on a store that can evaluate policies a
// table of every principal's rights with the statement that decides each.
type accessPage struct {
	c    *common
	keys *accessKeys
	name string
	rp   backend.ResourcePolicies
	sim  backend.AccessSimulator

	policy     string // as stored; "" when the secret has none
	loadID     uint64
	loading    bool
	loadErr    error
	who        []backend.PrincipalAccess
	whoID      uint64
	whoLoading bool
	whoErr     error

	// blockPublic is sent with every put: on, the store refuses a policy
	// that opens the secret to anyone (as BlockPublicPolicy on AWS).
	blockPublic bool
	// editing says the next editor.SavedMsg is this page's.
	editing bool
	checkID uint64
	putID   uint64

	cursor, policyOffset, whoOffset int
	width, height                   int
}

// openAccess opens the Access page of a secret, if the backend holds
// resource policies.
func openAccess(c *common, name string) tea.Cmd {
	rp, ok := c.backend.(backend.ResourcePolicies)
	if !ok {
		return flash("this backend holds no resource policies", true)
	}
	sim, _ := c.backend.(backend.AccessSimulator)
	keys := &c.keys.access
	return navigate(pushPageMsg{&accessPage{c: c, keys: keys, name: name, rp: rp, sim: sim, blockPublic: true}})
}

func (a *accessPage) Init() tea.Cmd { return tea.Batch(a.load(), a.loadWho()) }

func (a *accessPage) load() tea.Cmd {
	id := a.c.nextID()
	a.loadID, a.loading, a.loadErr = id, true, nil
	ctx, rp, name := a.c.ctx, a.rp, a.name
	return func() tea.Msg {
		p, err := rp.GetResourcePolicy(ctx, name)
		msg := accessPolicyMsg{id: id, err: err}
		if p != nil {
			msg.policy = p.Policy
		}
		return msg
	}
}

func (a *accessPage) loadWho() tea.Cmd {
	if a.sim == nil {
		return nil
	}
	id := a.c.nextID()
	a.whoID, a.whoLoading, a.whoErr = id, true, nil
	ctx, sim, name := a.c.ctx, a.sim, a.name
	actions := make([]string, len(accessActions))
	for i, x := range accessActions {
		actions[i] = x.action
	}
	return func() tea.Msg {
		who, err := sim.WhoCan(ctx, name, actions)
		return accessWhoMsg{id: id, who: who, err: err}
	}
}

func (a *accessPage) SetSize(w, h int) { a.width, a.height = w, h }

func (a *accessPage) inputFocused() bool { return false }

func (a *accessPage) close() {}

func (a *accessPage) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case accessPolicyMsg:
		if msg.id != a.loadID {
			return nil
		}
		a.loading, a.loadErr, a.policy = false, msg.err, msg.policy
		if msg.err != nil {
			return flashErr(msg.err)
		}
	case accessWhoMsg:
		if msg.id != a.whoID {
			return nil
		}
		a.whoLoading, a.whoErr, a.who = false, msg.err, msg.who
		a.cursor = min(a.cursor, max(0, len(a.who)-1))
	case editor.SavedMsg:
		if !a.editing {
			return nil
		}
		a.editing = false
		return a.check(string(msg.Value))
	case accessCheckedMsg:
		if msg.id != a.checkID {
			return nil
		}
		return a.checked(msg)
	case accessPutMsg:
		if msg.id != a.putID {
			return nil
		}
		if msg.err != nil {
			return a.offerEditAgain("Policy not saved", msg.doc, []escaped.Text{errorText(msg.err)})
		}
		return tea.Batch(flash("resource policy of "+line(a.name)+" saved", false), a.load(), a.loadWho())
	case reloadMsg:
		if msg.name == "" || msg.name == a.name {
			return a.Init()
		}
	case tea.KeyMsg:
		return a.updateKeys(msg)
	}
	return nil
}

func (a *accessPage) updateKeys(msg tea.KeyMsg) tea.Cmd {
	k := a.keys
	switch {
	case key.Matches(msg, k.Refresh):
		return a.Init()
	case key.Matches(msg, k.ScrollUp):
		a.policyOffset = max(0, a.policyOffset-1)
		return nil
	case key.Matches(msg, k.ScrollDown):
		a.policyOffset++
		return nil
	case key.Matches(msg, k.BlockPublic):
		a.blockPublic = !a.blockPublic
		return nil
	case key.Matches(msg, k.Edit):
		if cmd, ok := a.c.mutation("editing the resource policy"); !ok {
			return cmd
		}
		if a.loading || a.loadErr != nil {
			return flash("the resource policy is not loaded yet", true)
		}
		doc := policyTemplate
		if a.policy != "" {
			doc = prettyPolicy(a.policy)
		}
		return a.edit(doc)
	case key.Matches(msg, k.Delete):
		if cmd, ok := a.c.mutation("deleting the resource policy"); !ok {
			return cmd
		}
		if a.policy == "" {
			return flash(line(a.name)+" has no resource policy", true)
		}
		return a.confirmDelete()
	}
	if cursor, ok := k.move(msg, a.cursor, len(a.who), 1); ok {
		a.cursor = cursor
	}
	return nil
}

// edit hands doc to $EDITOR; the page takes the saved text back.
func (a *accessPage) edit(doc string) tea.Cmd {
	a.editing = true
	return editor.External(a.c.ctx, []byte(doc), "")
}

// check runs ValidateResourcePolicy on an edited policy before anything is
// saved.
func (a *accessPage) check(doc string) tea.Cmd {
	id := a.c.nextID()
	a.checkID = id
	ctx, rp, name := a.c.ctx, a.rp, a.name
	return func() tea.Msg {
		findings, err := rp.ValidateResourcePolicy(ctx, name, doc)
		return accessCheckedMsg{id: id, doc: doc, findings: findings, err: err}
	}
}

// checked shows what validation found and offers the edit again, or asks
// before saving a policy that passed.
func (a *accessPage) checked(msg accessCheckedMsg) tea.Cmd {
	if msg.err != nil {
		return a.offerEditAgain("Policy not valid", msg.doc, []escaped.Text{errorText(msg.err)})
	}
	if len(msg.findings) > 0 {
		var body []escaped.Text
		for _, f := range msg.findings {
			body = append(body, "• "+line(f.CheckName)+": "+line(f.ValidationMessage))
		}
		return a.offerEditAgain("Policy not valid", msg.doc, body)
	}
	block := "on: a policy open to anyone is refused"
	if !a.blockPublic {
		block = "off"
	}
	shown := line(a.name)
	d := newConfirm(a.c, "Save resource policy", "Save", []escaped.Text{
		"The policy passed validation. Attach it to " + shown + ", replacing any other?",
		"Block public policy: " + line(block) + " (b on the Access page changes it).",
	}, func(int) tea.Cmd { return a.put(msg.doc) })
	d.danger = false
	return openDialog(d)
}

// offerEditAgain lists why an edit was refused and asks whether to reopen
// it in $EDITOR; no drops it, and the stored policy stays as it was.
func (a *accessPage) offerEditAgain(title escaped.Text, doc string, why []escaped.Text) tea.Cmd {
	body := append(why[:len(why):len(why)], "", "Edit it again? No drops the edit; the stored policy is unchanged.")
	d := newConfirm(a.c, title, "Edit again", body, func(int) tea.Cmd { return a.edit(doc) })
	d.danger = false
	return openDialog(d)
}

func (a *accessPage) put(doc string) tea.Cmd {
	id := a.c.nextID()
	a.putID = id
	ctx, rp, in := a.c.ctx, a.rp, &backend.PutResourcePolicyInput{SecretID: a.name, ResourcePolicy: doc, BlockPublicPolicy: a.blockPublic}
	return func() tea.Msg {
		_, err := rp.PutResourcePolicy(ctx, in)
		return accessPutMsg{id: id, doc: doc, err: err}
	}
}

func (a *accessPage) confirmDelete() tea.Cmd {
	shown := line(a.name)
	rp, name := a.rp, a.name
	d := newConfirm(a.c, "Delete resource policy", "Delete", []escaped.Text{
		"Remove the resource policy of " + shown + "?",
		"Whatever it allows or denies stops applying at once; users keep what their own policies give them.",
	}, func(int) tea.Cmd {
		return a.c.task("Deleting the resource policy…", "resource policy of "+shown+" deleted",
			func(ctx context.Context, _ backend.Backend) (tea.Msg, error) {
				_, err := rp.DeleteResourcePolicy(ctx, name)
				return reloadMsg{name: name}, err
			})
	})
	return openDialog(d)
}

// prettyPolicy indents a policy document for reading and editing; text
// that is not JSON is shown as stored.
func prettyPolicy(doc string) string {
	var b bytes.Buffer
	if err := json.Indent(&b, []byte(doc), "", "  "); err != nil {
		return doc
	}
	return b.String()
}

// whoHeight is the number of rows the who-can part takes: its header, a
// row per principal and the selected principal's statements.
func (a *accessPage) whoHeight() int {
	if a.sim == nil || a.whoErr != nil || len(a.who) == 0 {
		return 2
	}
	return 2 + a.whoRows() + 1 + len(accessActions)
}

// whoRows is how many principals the table shows at once: what the page
// leaves after the title, three lines of policy and the statements of the
// selected principal.
func (a *accessPage) whoRows() int {
	return max(1, min(len(a.who), a.height-2-3-1-2-1-len(accessActions)))
}

func (a *accessPage) View() string {
	st := a.c.styles
	var out []string
	out = append(out, fit(st.Title.Render("Access · "+line(a.name).String()), a.width))

	block := "on"
	if !a.blockPublic {
		block = "off"
	}
	out = append(out, fit(st.Header.Render("Resource policy")+st.Muted.Render(" · block public policy on save: "+block), a.width))
	// The policy gets what the who-can part leaves, at least three lines.
	room := max(3, a.height-len(out)-1-a.whoHeight())
	var body []string
	switch {
	case a.loading:
		body = []string{st.Muted.Render("loading…")}
	case a.loadErr != nil:
		body = []string{st.Danger.Render(errorText(a.loadErr).String())}
	case a.policy == "":
		body = []string{st.Muted.Render("No resource policy: only the users' own policies decide. e writes one.")}
	default:
		for _, l := range strings.Split(prettyPolicy(a.policy), "\n") {
			body = append(body, "  "+line(l).String())
		}
	}
	a.policyOffset = min(a.policyOffset, max(0, len(body)-room))
	shown := body[a.policyOffset:min(len(body), a.policyOffset+room)]
	if a.policyOffset+room < len(body) {
		shown[len(shown)-1] = st.Muted.Render(fmt.Sprintf("  … %d more lines: ] scrolls", len(body)-a.policyOffset-room+1))
	}
	for _, l := range shown {
		out = append(out, fit(l, a.width))
	}
	for i := len(shown); i < room; i++ {
		out = append(out, "")
	}
	out = append(out, "")
	out = append(out, a.whoView()...)
	return strings.Join(out, "\n")
}

func (a *accessPage) whoView() []string {
	st := a.c.styles
	out := []string{fit(st.Header.Render("Who can"), a.width)}
	switch {
	case a.sim == nil:
		return append(out, fit(st.Muted.Render(noSimulation), a.width))
	case a.whoLoading && len(a.who) == 0:
		return append(out, st.Muted.Render("evaluating…"))
	case a.whoErr != nil:
		return append(out, fit(st.Danger.Render(errorText(a.whoErr).String()), a.width))
	case len(a.who) == 0:
		return append(out, st.Muted.Render("No principals."))
	}
	// The names decide the first column's width, within reason; the
	// decisions stay next to them.
	nameWidth := len("PRINCIPAL")
	for _, p := range a.who {
		nameWidth = max(nameWidth, min(32, len(line(p.Name))))
	}
	cols := []column{{title: "PRINCIPAL", width: nameWidth}}
	for _, x := range accessActions {
		cols = append(cols, column{title: x.title, width: 7})
	}
	widths := layout(cols, a.width-2)
	titles := make([]escaped.Text, len(cols))
	for i, c := range cols {
		titles[i] = line(c.title)
	}
	out = append(out, st.Header.Render("  "+joinCells(titles, widths)))
	rows := a.whoRows()
	a.whoOffset = scroll(a.cursor, a.whoOffset, rows, len(a.who))
	for i := a.whoOffset; i < min(len(a.who), a.whoOffset+rows); i++ {
		p := a.who[i]
		cells := []escaped.Text{line(p.Name)}
		for _, d := range p.Decisions {
			cells = append(cells, decisionWord(d))
		}
		row := joinCells(cells, widths)
		if i == a.cursor {
			out = append(out, st.Selected.Render(fit("› "+row, a.width)))
		} else {
			out = append(out, "  "+row)
		}
	}
	// The selected principal, action by action, with what decided.
	p := a.who[a.cursor]
	out = append(out, fit(st.Muted.Render(line(p.ARN).String()), a.width))
	for i, d := range p.Decisions {
		title := d.Action
		if i < len(accessActions) {
			title = strings.ToLower(accessActions[i].title)
		}
		why := line(d.By)
		if why == "" {
			why = "no statement allows it"
		}
		l := fmt.Sprintf("  %-8s %-4s %s", title, decisionWord(d), why)
		switch {
		case d.Outcome == "explicitDeny":
			l = st.Danger.Render(l)
		case !d.Allowed:
			l = st.Muted.Render(l)
		}
		out = append(out, fit(l, a.width))
	}
	return out
}

// decisionWord is a decision in one word: an explicit deny stands out
// from a plain "no".
func decisionWord(d backend.AccessDecision) escaped.Text {
	switch {
	case d.Allowed:
		return "yes"
	case d.Outcome == "explicitDeny":
		return "DENY"
	}
	return "no"
}

func (a *accessPage) help() keyHelp {
	k := a.keys
	ro := a.c.readOnly
	muts := []key.Binding{k.Edit, k.Delete, k.BlockPublic}
	return keyHelp{
		short: visible(ro, []key.Binding{k.Edit, k.Delete, k.BlockPublic, k.Up, k.Down, a.c.keys.global.Back}, muts...),
		full: [][]key.Binding{
			{k.Up, k.Down, k.ScrollUp, k.ScrollDown, k.Refresh, a.c.keys.global.Back},
			visible(ro, muts, muts...),
		},
	}
}

func (a *accessPage) status() string {
	if len(a.who) == 0 {
		return ""
	}
	return fmt.Sprintf("principal %d/%d", a.cursor+1, len(a.who))
}
