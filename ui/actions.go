package ui

import (
	"context"
	"fmt"
	"strconv"
	"strings"

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

// goneMsg says a secret no longer exists (force-deleted): pages showing it
// close.
type goneMsg struct{ name string }

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

// editTags adds, changes or removes tags: "key=value" sets a tag, "-key"
// removes one; several are separated by commas.
func editTags(c *common, name string) tea.Cmd {
	if cmd, ok := c.mutation("editing tags"); !ok {
		return cmd
	}
	shown := line(name)
	return openDialog(newPrompt(c, "Tags of "+shown, "tags: ", "", []escaped.Text{
		"key=value sets a tag, -key removes one; separate several with commas.",
	}, func(v string) (tea.Cmd, escaped.Text) {
		set, drop, err := parseTagEdit(v)
		if err != "" {
			return nil, err
		}
		return c.task("Saving tags…", "tags of "+shown+" saved",
			func(ctx context.Context, b backend.Backend) (tea.Msg, error) {
				if len(set) > 0 {
					if err := b.TagResource(ctx, &backend.TagResourceInput{SecretID: name, Tags: set}); err != nil {
						return nil, err
					}
				}
				if len(drop) > 0 {
					if err := b.UntagResource(ctx, &backend.UntagResourceInput{SecretID: name, TagKeys: drop}); err != nil {
						return nil, err
					}
				}
				return reloadMsg{name: name}, nil
			}), ""
	}))
}

func parseTagEdit(s string) (set []backend.Tag, drop []string, errText escaped.Text) {
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		switch {
		case part == "":
		case strings.HasPrefix(part, "-"):
			k := strings.TrimSpace(part[1:])
			if k == "" {
				return nil, nil, "A tag to remove needs a key: -key."
			}
			drop = append(drop, k)
		default:
			k, v, ok := strings.Cut(part, "=")
			k = strings.TrimSpace(k)
			if !ok || k == "" {
				return nil, nil, line(fmt.Sprintf("%q is not key=value or -key.", part))
			}
			set = append(set, backend.Tag{Key: k, Value: strings.TrimSpace(v)})
		}
	}
	if len(set) == 0 && len(drop) == 0 {
		return nil, nil, "Nothing to change."
	}
	return set, drop, ""
}

// createSecret opens the create-secret form.
func createSecret(c *common) tea.Cmd {
	return navigate(pushPageMsg{newCreatePage(c)})
}
