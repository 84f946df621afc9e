package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/ui/escaped"
)

// tagField is one text field of the form, filled with a store string.
// The field shows the string escaped (a field draws what it holds, and a
// control character would be dropped or obeyed); while it still shows
// that, the form means the string itself.
type tagField struct {
	in          textinput.Model
	orig, shown string
	hasOrig     bool
}

func newTagField(s string, filled bool, placeholder string) tagField {
	in := newInput()
	in.Prompt = ""
	in.CharLimit = 1024
	in.Placeholder = placeholder
	f := tagField{}
	if filled {
		f.orig, f.shown, f.hasOrig = s, escaped.Line(s).String(), true
		in.SetValue(f.shown)
	}
	f.in = in
	return f
}

func (f tagField) value() string {
	if v := f.in.Value(); !f.hasOrig || v != f.shown {
		return v
	}
	return f.orig
}

// tagRow is one tag of the form; origKey is the key it had in the store
// ("" for a row added here).
type tagRow struct {
	key, value tagField
	origKey    string
}

// tagsPage edits every tag of a secret in one form: change keys and
// values, add and remove rows, then save the differences only, as
// UntagResource and TagResource.
type tagsPage struct {
	c    *common
	keys tagKeys
	name string
	orig []backend.Tag

	rows     []tagRow
	row, col int // the focused field: col 0 key, 1 value
	offset   int
	errText  escaped.Text

	width, height int
}

// editTags opens the tags editor on the secret's current tags.
func editTags(c *common, name string, tags []backend.Tag) tea.Cmd {
	if cmd, ok := c.mutation("editing tags"); !ok {
		return cmd
	}
	p := &tagsPage{c: c, keys: defaultTagKeys(), name: name, orig: append([]backend.Tag(nil), tags...)}
	for _, t := range tags {
		p.rows = append(p.rows, tagRow{key: newTagField(t.Key, true, "key"), value: newTagField(t.Value, true, "value"), origKey: t.Key})
	}
	if len(p.rows) == 0 {
		p.rows = append(p.rows, p.newRow())
	}
	p.focus()
	return navigate(pushPageMsg{p})
}

func (p *tagsPage) newRow() tagRow {
	return tagRow{key: newTagField("", false, "key"), value: newTagField("", false, "value (may be empty)")}
}

func (p *tagsPage) Init() tea.Cmd { return nil }

func (p *tagsPage) SetSize(w, h int) { p.width, p.height = w, h }

func (p *tagsPage) inputFocused() bool { return true }

func (p *tagsPage) close() {}

func (p *tagsPage) status() string {
	return fmt.Sprintf("tag %d/%d", p.row+1, len(p.rows))
}

func (p *tagsPage) help() keyHelp {
	k := p.keys
	return keyHelp{
		short: []key.Binding{k.Next, k.Add, k.Remove, k.Save, k.Cancel},
		full:  [][]key.Binding{{k.Next, k.Prev, k.Up, k.Down}, {k.Add, k.Remove, k.Save, k.Cancel}},
	}
}

// focus gives the keys to the focused field only.
func (p *tagsPage) focus() {
	for i := range p.rows {
		p.rows[i].key.in.Blur()
		p.rows[i].value.in.Blur()
	}
	if len(p.rows) == 0 {
		return
	}
	p.row = max(0, min(p.row, len(p.rows)-1))
	if p.col == 0 {
		p.rows[p.row].key.in.Focus()
	} else {
		p.rows[p.row].value.in.Focus()
	}
}

func (p *tagsPage) field() *tagField {
	if p.col == 0 {
		return &p.rows[p.row].key
	}
	return &p.rows[p.row].value
}

// wanted is the set of tags the form holds: rows with a key, in order.
// Blank rows are no tags.
func (p *tagsPage) wanted() []backend.Tag {
	var out []backend.Tag
	for _, r := range p.rows {
		k, v := r.key.value(), r.value.value()
		if k == "" && v == "" {
			continue
		}
		out = append(out, backend.Tag{Key: k, Value: v})
	}
	return out
}

// tagChanges is what saving sends: the tags to set (new or changed) and
// the keys to remove, and nothing for a tag left as it was.
type tagChanges struct {
	set    []backend.Tag
	remove []string
}

func (c tagChanges) empty() bool { return len(c.set) == 0 && len(c.remove) == 0 }

// diffTags compares the store's tags with the form's.
func diffTags(orig, want []backend.Tag) tagChanges {
	var ch tagChanges
	had := map[string]string{}
	for _, t := range orig {
		had[t.Key] = t.Value
	}
	keep := map[string]bool{}
	for _, t := range want {
		keep[t.Key] = true
		if v, ok := had[t.Key]; !ok || v != t.Value {
			ch.set = append(ch.set, t)
		}
	}
	for _, t := range orig {
		if !keep[t.Key] {
			ch.remove = append(ch.remove, t.Key)
		}
	}
	return ch
}

// checkTags holds the form's tags to AWS's rules before anything is sent,
// through the same validation the stores and the server use, one row at a
// time so the message can say which.
func checkTags(name string, tags []backend.Tag) escaped.Text {
	if len(tags) > backend.MaxTagsPerSecret {
		return line(fmt.Sprintf("A secret holds at most %d tags; the form has %d.", backend.MaxTagsPerSecret, len(tags)))
	}
	seen := map[string]int{}
	for i, t := range tags {
		where := fmt.Sprintf("Tag %d", i+1)
		if t.Key == "" {
			return line(where + " has a value but no key.")
		}
		shownKey := t.Key
		if r := []rune(shownKey); len(r) > 32 {
			shownKey = string(r[:32]) + "…"
		}
		where += " (" + shownKey + ")"
		if j, dup := seen[t.Key]; dup {
			return line(fmt.Sprintf("%s repeats the key of tag %d.", where, j+1))
		}
		seen[t.Key] = i
		if strings.HasPrefix(strings.ToLower(t.Key), "aws:") {
			return line(where + ": keys starting with aws: are reserved for AWS.")
		}
		if n := len([]rune(t.Key)); n > backend.MaxTagKeyLength {
			return line(fmt.Sprintf("%s: a key holds 1 to %d characters, not %d.", where, backend.MaxTagKeyLength, n))
		}
		if n := len([]rune(t.Value)); n > backend.MaxTagValueLength {
			return line(fmt.Sprintf("%s: a value holds at most %d characters, not %d.", where, backend.MaxTagValueLength, n))
		}
		if err := backend.ValidateTagResource(&backend.TagResourceInput{SecretID: name, Tags: []backend.Tag{t}}); err != nil {
			return line(where + ": " + backend.Message(err))
		}
	}
	return ""
}

// tagsSavedMsg says the form's changes are in the store.
type tagsSavedMsg struct{ name string }

func (p *tagsPage) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tagsSavedMsg:
		if msg.name == p.name {
			return navigate(backMsg{})
		}
		return nil
	case tea.KeyMsg:
		return p.updateKeys(msg)
	}
	return nil
}

func (p *tagsPage) updateKeys(msg tea.KeyMsg) tea.Cmd {
	k := p.keys
	switch {
	case key.Matches(msg, k.Cancel):
		return tea.Batch(navigate(backMsg{}), flash("tags unchanged; nothing saved", false))
	case key.Matches(msg, k.Save):
		return p.review()
	case key.Matches(msg, k.Next):
		if p.col == 0 {
			p.col = 1
		} else if p.row < len(p.rows)-1 {
			p.row, p.col = p.row+1, 0
		}
	case key.Matches(msg, k.Prev):
		if p.col == 1 {
			p.col = 0
		} else if p.row > 0 {
			p.row, p.col = p.row-1, 1
		}
	case key.Matches(msg, k.Up):
		p.row = max(0, p.row-1)
	case key.Matches(msg, k.Down):
		p.row = min(len(p.rows)-1, p.row+1)
	case key.Matches(msg, k.Add):
		p.rows = append(p.rows, p.newRow())
		p.row, p.col = len(p.rows)-1, 0
	case key.Matches(msg, k.Remove):
		p.rows = append(p.rows[:p.row], p.rows[p.row+1:]...)
		if len(p.rows) == 0 {
			p.rows = append(p.rows, p.newRow())
		}
		p.col = 0
	default:
		f := p.field()
		var cmd tea.Cmd
		f.in, cmd = f.in.Update(msg)
		p.errText = ""
		return cmd
	}
	p.errText = ""
	p.focus()
	return nil
}

// review checks the form and asks before saving the differences.
func (p *tagsPage) review() tea.Cmd {
	want := p.wanted()
	if e := checkTags(p.name, want); e != "" {
		p.errText = e
		return nil
	}
	ch := diffTags(p.orig, want)
	if ch.empty() {
		p.errText = "No change: the form holds the tags the secret has."
		return nil
	}
	shown := line(p.name)
	var body []escaped.Text
	if len(ch.set) > 0 {
		keys := make([]string, len(ch.set))
		for i, t := range ch.set {
			keys[i] = t.Key
		}
		body = append(body, line(fmt.Sprintf("Set %s: %s (TagResource).", plural(len(ch.set), "tag"), strings.Join(keys, ", "))))
	}
	if len(ch.remove) > 0 {
		body = append(body, line(fmt.Sprintf("Remove %s: %s (UntagResource).", plural(len(ch.remove), "tag"), strings.Join(ch.remove, ", "))))
	}
	body = append(body, "Save these changes to the tags of "+shown+"?")
	name := p.name
	d := newConfirm(p.c, "Save tags", "Save", body, func(int) tea.Cmd {
		return p.c.task("Saving tags of "+shown+"…", "tags of "+shown+" saved",
			func(ctx context.Context, b backend.Backend) (tea.Msg, error) {
				// Removals first: a secret at its 50 tags can then take
				// the new ones.
				if len(ch.remove) > 0 {
					if err := b.UntagResource(ctx, &backend.UntagResourceInput{SecretID: name, TagKeys: ch.remove}); err != nil {
						return nil, err
					}
				}
				if len(ch.set) > 0 {
					if err := b.TagResource(ctx, &backend.TagResourceInput{SecretID: name, Tags: ch.set}); err != nil {
						if len(ch.remove) > 0 {
							return nil, errors.Join(err, errors.New("the removals were saved, the rest was not"))
						}
						return nil, err
					}
				}
				return tea.BatchMsg{navigate(tagsSavedMsg{name: name}), navigate(reloadMsg{name: name})}, nil
			})
	})
	d.danger = len(ch.remove) > 0
	return openDialog(d)
}

// unsaved says the form differs from the store.
func (p *tagsPage) unsaved() bool { return !diffTags(p.orig, p.wanted()).empty() }

func (p *tagsPage) View() string {
	st := p.c.styles
	var b strings.Builder
	b.WriteString(fit(st.Title.Render(("Tags of "+line(p.name)).String())+
		st.Muted.Render(" · saved as TagResource/UntagResource, only what changed"), p.width))
	b.WriteString("\n")
	b.WriteString(fit(st.Muted.Render(fmt.Sprintf("at most %d tags · key 1–%d characters, not starting with aws: · value 0–%d",
		backend.MaxTagsPerSecret, backend.MaxTagKeyLength, backend.MaxTagValueLength)), p.width))
	b.WriteString("\n\n")
	kw := max(16, min(40, (p.width-4)/2))
	vw := max(8, p.width-4-kw-2)
	b.WriteString(st.Header.Render("  " + fit("KEY", kw) + "  " + fit("VALUE", vw)))
	rows := max(1, p.height-7)
	p.offset = scroll(p.row, p.offset, rows, len(p.rows))
	for i := p.offset; i < min(len(p.rows), p.offset+rows); i++ {
		r := &p.rows[i]
		r.key.in.Width, r.value.in.Width = kw-1, vw-1
		mark := "  "
		if i == p.row {
			mark = "› "
		}
		b.WriteString("\n" + mark + fit(r.key.in.View(), kw) + "  " + fit(r.value.in.View(), vw))
	}
	b.WriteString("\n")
	if p.errText != "" {
		// Wrapped: the reason is the end of the message.
		b.WriteString("\n" + p.c.renderer.NewStyle().Width(max(20, p.width)).Render(st.Danger.Render(p.errText.String())))
	}
	return b.String()
}
