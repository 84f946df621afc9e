package ui

import (
	"context"
	"fmt"
	"strconv"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/ui/escaped"
)

// Recovery window bounds, as AWS defines them.
const (
	minRecoveryDays     = 7
	maxRecoveryDays     = 30
	defaultRecoveryDays = 30
)

// deleteSecret asks for a recovery window and schedules the deletion.
func deleteSecret(c *common, name string, deleted bool) tea.Cmd {
	if cmd, ok := c.mutation("deleting"); !ok {
		return cmd
	}
	if deleted {
		return flash(line(name)+" is already scheduled for deletion: u restores it, D deletes it now", true)
	}
	shown := line(name)
	d := newConfirm(c, "Delete secret", "Delete", []escaped.Text{
		"Schedule " + shown + " for deletion?",
		"It can be restored until the recovery window ends; then it is gone for good.",
	}, func(days int) tea.Cmd {
		return c.task("Deleting "+shown+"…", line(fmt.Sprintf("%s scheduled for deletion in %d days", name, days)),
			func(ctx context.Context, b backend.Backend) (tea.Msg, error) {
				_, err := b.DeleteSecret(ctx, &backend.DeleteSecretInput{SecretID: name, RecoveryWindowInDays: &days})
				return reloadMsg{name: name}, err
			})
	}).withDays(defaultRecoveryDays, minRecoveryDays, maxRecoveryDays)
	return openDialog(d)
}

// forceDeleteSecret deletes without recovery, only after the operator
// typed the secret's name.
func forceDeleteSecret(c *common, name string) tea.Cmd {
	if cmd, ok := c.mutation("deleting"); !ok {
		return cmd
	}
	shown := line(name)
	d := newPrompt(c, "Delete for good", "name: ", "", []escaped.Text{
		"This deletes " + shown + " and every version at once, without a recovery window. It cannot be undone.",
		"Type the secret's name to confirm.",
	}, func(typed string) (tea.Cmd, escaped.Text) {
		if typed != name {
			return nil, "The name does not match; nothing was deleted."
		}
		return c.task("Deleting "+shown+" for good…", shown+" deleted for good",
			func(ctx context.Context, b backend.Backend) (tea.Msg, error) {
				_, err := b.DeleteSecret(ctx, &backend.DeleteSecretInput{SecretID: name, ForceDeleteWithoutRecovery: true})
				return goneMsg{name: name}, err
			}), ""
	})
	return openDialog(d)
}

// restoreSecret cancels a scheduled deletion. It destroys nothing, so it
// does not ask.
func restoreSecret(c *common, name string, deleted bool) tea.Cmd {
	if cmd, ok := c.mutation("restoring"); !ok {
		return cmd
	}
	if !deleted {
		return flash(line(name)+" is not scheduled for deletion", true)
	}
	shown := line(name)
	return c.task("Restoring "+shown+"…", shown+" restored", func(ctx context.Context, b backend.Backend) (tea.Msg, error) {
		_, err := b.RestoreSecret(ctx, name)
		return reloadMsg{name: name}, err
	})
}

// editDescription changes a secret's description.
func editDescription(c *common, name, current string) tea.Cmd {
	if cmd, ok := c.mutation("editing"); !ok {
		return cmd
	}
	shown := line(name)
	return openDialog(newPrompt(c, "Description of "+shown, "", current, nil, func(v string) (tea.Cmd, escaped.Text) {
		if len(v) > backend.MaxDescriptionLength {
			return nil, "A description holds at most " + line(strconv.Itoa(backend.MaxDescriptionLength)) + " characters."
		}
		return c.task("Saving description…", "description of "+shown+" saved",
			func(ctx context.Context, b backend.Backend) (tea.Msg, error) {
				_, err := b.UpdateSecret(ctx, &backend.UpdateSecretInput{SecretID: name, Description: &v})
				return reloadMsg{name: name}, err
			}), ""
	}))
}

// createSecret opens the create-secret form.
func createSecret(c *common) tea.Cmd {
	return navigate(pushPageMsg{newCreatePage(c)})
}
