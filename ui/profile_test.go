package ui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/backend/aws"
	"github.com/secretary-sh/secretary/backend/local"
)

// awsFiles writes a shared config and credentials file and points
// AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE at them.
func writeAWSFiles(t *testing.T) {
	t.Helper()
	dir := t.TempDir()
	config := `# the team's profiles
[default]
region = us-east-1

[profile ops]
region = eu-west-1
sso_session = corp
sso_account_id = 123456789012
sso_role_name = Ops

[profile staging]
region=eu-central-1
s3 =
  max_concurrent_requests = 10

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-west-1

[services local]
secretsmanager =
  endpoint_url = http://127.0.0.1:8080

[profile no-region]
output = json
`
	creds := `[default]
aws_access_key_id = AKIDDEFAULT
aws_secret_access_key = never-shown

; a key pair for CI
[ci]
aws_access_key_id = AKIDCI
aws_secret_access_key = never-shown-either
region = ap-south-1
`
	cp, kp := filepath.Join(dir, "config"), filepath.Join(dir, "credentials")
	if err := os.WriteFile(cp, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(kp, []byte(creds), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_CONFIG_FILE", cp)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", kp)
}

func TestReadAWSProfiles(t *testing.T) {
	writeAWSFiles(t)
	ps, err := readAWSProfiles(os.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range ps {
		got = append(got, fmt.Sprintf("%s|%s|%s", p.name, p.region, p.source()))
	}
	want := []string{
		"default|us-east-1|config, credentials",
		"ci|ap-south-1|credentials",
		"no-region||config",
		"ops|eu-west-1|config, sso",
		"staging|eu-central-1|config",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("profiles:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestReadAWSProfilesWithoutFiles(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"HOME": dir}
	ps, err := readAWSProfiles(func(k string) string { return env[k] })
	if err != nil || len(ps) != 0 {
		t.Fatalf("profiles = %v, %v; want none and no error", ps, err)
	}
	// ~/.aws is where they are looked for without the variables.
	if err := os.MkdirAll(filepath.Join(dir, ".aws"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ".aws", "config"), []byte("[profile home]\nregion = sa-east-1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ps, err = readAWSProfiles(func(k string) string { return env[k] })
	if err != nil || len(ps) != 1 || ps[0].name != "home" || ps[0].region != "sa-east-1" {
		t.Fatalf("profiles = %+v, %v", ps, err)
	}
}

func TestValidRegion(t *testing.T) {
	for r, want := range map[string]bool{
		"eu-west-1": true, "us-gov-west-1": true, "cn-north-1": true, "ap-southeast-4": true,
		"": false, "eu-west": false, "EU-west-1": false, "eu-west-1a": false, "eu--1": false, "eu-west-1;rm": false,
	} {
		if got := validRegion(r); got != want {
			t.Errorf("validRegion(%q) = %v, want %v", r, got, want)
		}
	}
}

// fakeAWS is the embedded store dressed as the AWS backend: it reports
// kind aws with a profile and region, and answers Identity when released.
type fakeAWS struct {
	*local.Store
	profile, region string
	account, arn    string
	identErr        error
	release         chan struct{} // nil: answer at once
}

func (f *fakeAWS) Info() backend.Info {
	return backend.Info{Kind: "aws", Location: f.profile, Region: f.region}
}

func (f *fakeAWS) Identity(ctx context.Context) (string, string, error) {
	if f.release != nil {
		select {
		case <-f.release:
		case <-ctx.Done():
			return "", "", ctx.Err()
		}
	}
	return f.account, f.arn, f.identErr
}

// reopener records what the switcher asked for and opens fakes on one store.
type reopener struct {
	mu    sync.Mutex
	s     *local.Store
	calls []string
}

func (r *reopener) reopen(_ context.Context, profile, region string) (backend.Backend, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, profile+"/"+region)
	return &fakeAWS{Store: r.s, profile: profile, region: region, account: "210987654321",
		arn: "arn:aws:sts::210987654321:assumed-role/Dev/bob"}, nil
}

func (r *reopener) got() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.calls...)
}

func TestStatusBarShowsAccountOnceResolved(t *testing.T) {
	s, clk, _ := newStore(t)
	fill(t, s, clk, fixtureSecrets())
	b := &fakeAWS{Store: s, profile: "ops", region: "eu-west-1", account: "123456789012",
		arn: "arn:aws:sts::123456789012:assumed-role/Ops/alice", release: make(chan struct{})}
	p := startProgram(t, Config{Backend: b}, 120, 40)
	// The first frame does not wait for STS.
	p.waitFor("aws ops · eu-west-1 · account …")
	close(b.release)
	p.waitFor("aws ops · eu-west-1 · 123456789012")
	p.finish()
}

func TestStatusBarCredentialProblems(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"missing", &aws.CredentialsError{Err: errors.New("failed to refresh cached credentials, no EC2 IMDS role found")},
			"no AWS credentials (run aws sso login --profile ops)"},
		{"expired", &aws.CredentialsError{Err: errors.New("refresh cached SSO token failed: the SSO session has expired or is invalid")},
			"AWS credentials expired (run aws sso login --profile ops)"},
		{"sts unreachable", fmt.Errorf("get caller identity: %w", &backend.Error{Code: "UnknownOperationException", Message: "unknown operation"}),
			"aws ops · eu-west-1 · account unknown"},
		{"not asked", nil, "aws ops · eu-west-1 · account unknown"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, _, _ := newStore(t)
			b := &fakeAWS{Store: s, profile: "ops", region: "eu-west-1", identErr: tc.err}
			p := startProgram(t, Config{Backend: b}, 120, 40)
			p.waitFor(tc.want)
			p.finish()
		})
	}
}

func TestProfileSwitcherReopensWithTheChoice(t *testing.T) {
	writeAWSFiles(t)
	s, clk, _ := newStore(t)
	fill(t, s, clk, fixtureSecrets())
	r := &reopener{s: s}
	b := &fakeAWS{Store: s, profile: "ops", region: "eu-west-1", account: "123456789012"}
	p := startProgram(t, Config{Backend: b, ReopenAWS: r.reopen}, 120, 40)
	p.waitFor("123456789012")
	mark := p.out.Len()
	p.press("P")
	p.waitAll(mark, "AWS profiles", "staging")
	// The cursor starts on the profile in use (ops); staging is next.
	p.press("j", "enter")
	p.waitFor("Region for staging")
	p.typeText("frank")
	p.waitFor("eu-central-1")
	p.press("enter")
	p.waitAll(mark, "now on profile staging in eu-central-1", "prod/payments/postgres")
	// The new backend's identity was fetched: the switcher names it.
	mark = p.out.Len()
	p.press("P")
	p.waitAll(mark, "in use: staging in eu-central-1", "signed in as arn:aws:sts::210987654321:assumed-role/Dev/bob")
	if got := r.got(); len(got) != 1 || got[0] != "staging/eu-central-1" {
		t.Errorf("reopened with %v, want staging/eu-central-1", got)
	}
	p.finish()
}

func TestProfileSwitcherTakesATypedRegionAndRefusesNonsense(t *testing.T) {
	writeAWSFiles(t)
	s, _, _ := newStore(t)
	r := &reopener{s: s}
	h := newHarness(t, Config{Backend: &fakeAWS{Store: s, profile: "ops", region: "eu-west-1"}, ReopenAWS: r.reopen}, 80, 24)
	h.press("P")
	h.seeView("no-region")
	h.press("G", "enter") // staging is last; no-region two above
	h.seeView("Region for staging")
	h.press("esc", "k", "k", "enter")
	h.seeView("Region for no-region")
	// With no region of its own the one in use is offered.
	if v := h.view(); !strings.Contains(v, "› eu-west-1") {
		t.Fatalf("the region in use is not preselected:\n%s", v)
	}
	h.typeText("not a region")
	h.press("enter")
	h.seeView("is not a region name")
	for range "not a region" {
		h.press("backspace")
	}
	h.typeText("us-gov-west-1")
	h.seeView("No known region matches")
	h.press("enter")
	h.seeView("now on profile no-region in us-gov-west-1")
	if got := r.got(); len(got) != 1 || got[0] != "no-region/us-gov-west-1" {
		t.Errorf("reopened with %v", got)
	}
}

// waitAll reads the terminal output until what was written after mark
// shows every string, in any order and any frame.
func (p *program) waitAll(mark int, want ...string) {
	p.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := io.Copy(&p.out, p.tm.Output()); err != nil {
			p.t.Fatal(err)
		}
		seen := p.out.Bytes()[mark:]
		missing := ""
		for _, w := range want {
			if !bytes.Contains(seen, []byte(w)) {
				missing = w
				break
			}
		}
		if missing == "" {
			return
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("the terminal never showed %q; output:\n%s", missing, seen)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// seeView fails unless the screen shows every string.
func (h *harness) seeView(want ...string) {
	h.t.Helper()
	v := h.view()
	for _, w := range want {
		if !strings.Contains(v, w) {
			h.t.Fatalf("the screen lacks %q:\n%s", w, v)
		}
	}
}

func TestProfileSwitcherOnlyOnAWS(t *testing.T) {
	h, _ := fixture(t, false, 80, 24)
	h.press("P")
	h.seeView("switching profiles works on the AWS backend")
}

func TestProfileGolden(t *testing.T) {
	screens := []struct {
		name  string
		drive func(p *program)
	}{
		{"status-aws", func(p *program) {}},
		{"profiles", func(p *program) {
			mark := p.out.Len()
			p.press("P")
			p.waitAll(mark, "AWS profiles", "no-region")
		}},
		{"regions", func(p *program) {
			mark := p.out.Len()
			p.press("P")
			p.waitAll(mark, "AWS profiles", "no-region")
			p.press("enter")
			p.waitFor("Region for ops")
		}},
	}
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		for _, sc := range screens {
			t.Run(fmt.Sprintf("%s_%dx%d", sc.name, size[0], size[1]), func(t *testing.T) {
				writeAWSFiles(t)
				s, clk, _ := newStore(t)
				fill(t, s, clk, fixtureSecrets())
				r := &reopener{s: s}
				b := &fakeAWS{Store: s, profile: "ops", region: "eu-west-1", account: "123456789012",
					arn: "arn:aws:sts::123456789012:assumed-role/Ops/alice"}
				p := startProgram(t, Config{Backend: b, ReopenAWS: r.reopen}, size[0], size[1])
				p.waitAll(0, "prod/payments/postgres", "123456789012")
				sc.drive(p)
				golden.RequireEqual(t, []byte(p.finish()))
			})
		}
	}
}

// The switcher's two steps and the audit view fill every size exactly, as
// the other screens do.
func TestProfileAndAuditRedrawEverySize(t *testing.T) {
	writeAWSFiles(t)
	s, clk, _ := newStore(t)
	fill(t, s, clk, fixtureSecrets())
	r := &reopener{s: s}
	h := newHarness(t, Config{Backend: &fakeAWS{Store: s, profile: "ops", region: "eu-west-1", account: "123456789012"}, ReopenAWS: r.reopen}, 80, 24)
	screens := map[string][]string{
		"profiles": {"P"},
		"regions":  {"P", "enter"},
		"audit":    {"A"},
	}
	for name, keys := range screens {
		h.press(keys...)
		for w := minWidth; w <= 250; w += 13 {
			for ht := minHeight; ht <= 80; ht += 7 {
				h.send(tea.WindowSizeMsg{Width: w, Height: ht})
				lines := strings.Split(h.view(), "\n")
				if len(lines) != ht {
					t.Fatalf("%s %dx%d: %d lines", name, w, ht, len(lines))
				}
				for i, l := range lines {
					if ansiWidth(l) != w {
						t.Fatalf("%s %dx%d: line %d is %d cells: %q", name, w, ht, i, ansiWidth(l), l)
					}
				}
			}
		}
		h.press("esc", "esc")
	}
}
