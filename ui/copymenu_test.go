package ui

import (
	"strings"
	"testing"
)

// C opens the copy menu; its keys copy the name, the ARN, a get command
// for the selected field, the aws CLI command and, on AWS, the console URL,
// each through the clipboard and its status message.
func TestCopyMenu(t *testing.T) {
	eachBackend(t, 120, 40, createNested, func(t *testing.T, h *harness) {
		d := h.openDetail("prod/nested")
		arn := d.meta.ARN
		if !strings.HasPrefix(arn, "arn:aws:secretsmanager:") {
			t.Fatalf("ARN %q", arn)
		}
		copied := func(keys string, want, status string) {
			t.Helper()
			h.press("C")
			if footer := lastLine(h.view()); !strings.Contains(footer, "n name") || !strings.Contains(footer, "a ARN") {
				t.Fatalf("the menu is not in the footer: %q", footer)
			}
			h.press(keys)
			if got, _ := h.clip.ReadAll(); got != want {
				t.Fatalf("C %s copied %q, want %q", keys, got, want)
			}
			h.wantStatus(status)
		}
		copied("n", "prod/nested", "name of prod/nested")
		copied("a", arn, "ARN of prod/nested")
		copied("w", "aws secretsmanager get-secret-value --secret-id "+arn, "aws command for prod/nested")
		// On AWS the command names the account it reads, as the console does.
		flags := awsFlags(h.m.c.info)
		if h.m.c.info.Kind == "aws" && !strings.HasPrefix(flags, "--backend aws --region local --endpoint-url http://127.0.0.1:") {
			t.Fatalf("flags %q", flags)
		}
		copied("g", "secretary "+flags+"get prod/nested", "get command for prod/nested")
		h.press("y", "j", "j") // db.password, masked
		copied("g", "secretary "+flags+"get prod/nested --field db.password", "get command for db.password of prod/nested")
		if strings.Contains(h.view(), "v-pass") {
			t.Fatal("the copy menu revealed a value")
		}
		// esc closes the menu, not the page.
		h.press("C", "esc")
		if h.detail().copying {
			t.Fatal("esc left the menu open")
		}
		h.press("C")
		if h.m.top() != h.detail() {
			t.Fatal("the page closed")
		}
		h.press("u")
		if h.detail().c.info.Kind == "aws" {
			if got, _ := h.clip.ReadAll(); got != "https://local.console.aws.amazon.com/secretsmanager/secret?name=prod%2Fnested&region=local" {
				t.Fatalf("URL %q", got)
			}
		} else {
			h.wantStatus("only for a secret on AWS")
		}
	})
}

func TestConsoleURLAndShellWords(t *testing.T) {
	got, ok := consoleURL("aws", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:a b&c/d-AbCdEf", "us-east-1", "a b&c/d")
	if want := "https://eu-west-1.console.aws.amazon.com/secretsmanager/secret?name=a+b%26c%2Fd&region=eu-west-1"; !ok || got != want {
		t.Fatalf("consoleURL = %q, want %q", got, want)
	}
	if _, ok := consoleURL("local", "arn:aws:secretsmanager:local:0:secret:x", "", "x"); ok {
		t.Fatal("a URL for the local store")
	}
	for in, want := range map[string]string{"prod/db": "prod/db", "it's here": `'it'\''s here'`, "a;rm -rf": "'a;rm -rf'", `["a.b"]`: `'["a.b"]'`} {
		if got := shellWord(in); got != want {
			t.Errorf("shellWord(%q) = %q, want %q", in, got, want)
		}
	}
}

func lastLine(s string) string {
	ls := strings.Split(s, "\n")
	return ls[len(ls)-1]
}

// The help of the detail and audit screens lists what this round added.
func TestHelpListsFieldsCopyMenuAndAuditFilter(t *testing.T) {
	h, _ := fixture(t, false, 160, 50)
	h.openDetail("prod/payments/postgres")
	h.press("?")
	v := h.view()
	for _, want := range []string{"C copy name, ARN, command, URL…", "space reveal one field", "! full error", "C then n name · a ARN · g secretary get command"} {
		if !strings.Contains(strings.Join(strings.Fields(v), " "), want) {
			t.Errorf("detail help lacks %q:\n%s", want, v)
		}
	}
	h.press("esc", "a", "?")
	v = h.view()
	for _, want := range []string{"/ filter (op: actor: secret:)", "w writes only", "op:Put actor:alice secret:prod/"} {
		if !strings.Contains(strings.Join(strings.Fields(v), " "), want) {
			t.Errorf("audit help lacks %q:\n%s", want, v)
		}
	}
}
