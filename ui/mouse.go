package ui

import (
	tea "github.com/charmbracelet/bubbletea"
)

// clicker is a page whose rows can be picked with the mouse: click selects
// the row drawn at line y of the page, and reports whether there was one.
type clicker interface{ click(y int) bool }

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

// click selects the field drawn at line y.
func (d *detailPage) click(y int) bool {
	i := d.offset + y - d.fieldLine
	if !d.table() || d.fieldLine < 0 || i < 0 || i >= len(d.fields) {
		return false
	}
	d.cursor = i
	return true
}

// click selects the record drawn at line y: after the title, the chain
// line, the filter line when it is open, and the column header.
func (a *auditPage) click(y int) bool {
	top := 3
	if a.filtering {
		top++
	}
	i := a.offset + y - top
	if y < top || i >= len(a.shown) {
		return false
	}
	a.cursor = i
	return true
}

// click selects the version drawn at line y, below the title, a blank
// line and the column header.
func (v *versionsPage) click(y int) bool {
	i := v.offset + y - 3
	if v.mode != modeTable || y < 3 || i >= len(v.versions) {
		return false
	}
	v.cursor = i
	return true
}
