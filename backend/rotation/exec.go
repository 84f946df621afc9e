package rotation

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"time"
	"unicode"

	"github.com/secretary-sh/secretary/backend"
)

// ExecRequest is the JSON document an exec rotator reads on stdin, once per
// step. Current is the AWSCURRENT version (absent when the secret has none);
// Pending is the version being rotated in (absent in createSecret, which
// must produce it).
type ExecRequest struct {
	Version            int          `json:"Version"`
	Step               string       `json:"Step"`
	SecretID           string       `json:"SecretId"`
	ClientRequestToken string       `json:"ClientRequestToken"`
	Current            *ExecVersion `json:"Current,omitempty"`
	Pending            *ExecVersion `json:"Pending,omitempty"`
}

// ExecVersion is one version's value; SecretBinary is base64 in JSON.
type ExecVersion struct {
	VersionID    string  `json:"VersionId"`
	SecretString *string `json:"SecretString,omitempty"`
	SecretBinary []byte  `json:"SecretBinary,omitempty"`
}

// ExecResponse is what the program prints on stdout. Only createSecret needs
// one: the new value, which the engine stores as the AWSPENDING version.
// Other steps may print nothing.
type ExecResponse struct {
	SecretString *string `json:"SecretString,omitempty"`
	SecretBinary []byte  `json:"SecretBinary,omitempty"`
}

// ExecProtocolVersion is the Version field of ExecRequest.
const ExecProtocolVersion = 1

// maxExecOutput bounds what is read from the program.
const maxExecOutput = 1 << 20

// Exec is the "exec:PATH" rotation function: it runs PATH once per step with
// an ExecRequest on stdin. Exit status 0 means the step succeeded; otherwise
// the error names the program, the step and the exit status, and nothing the
// program wrote: a program quotes the values it received in ways no mask
// finds (a fragment, a DSN, JSON escapes, the base64 of a binary value), and
// errors reach the terminal, the audit log and the server's log. Its stderr
// goes only to Debug, when the operator asked for it. The engine keeps the steps idempotent around the program: it does
// not call createSecret when the pending version already exists, and it
// moves the labels itself after a successful finishSecret, so the program
// only has to make setSecret and testSecret safe to repeat.
type Exec struct {
	Path string
	// Timeout bounds each step; zero means five minutes.
	Timeout time.Duration
	// Debug, when not nil, receives the program's stderr as it is; it may
	// show secrets.
	Debug io.Writer
}

// Step implements Function.
func (x *Exec) Step(ctx context.Context, req Request) error {
	b := req.Backend
	var pending *backend.SecretValue
	var err error
	if pending, err = GetPending(ctx, b, req.SecretID, req.ClientRequestToken); err != nil {
		return err
	}
	defer pending.Wipe()
	if req.Step == StepCreate && pending != nil {
		return nil
	}
	if req.Step != StepCreate && pending == nil {
		if req.Step == StepFinish && isCurrent(ctx, b, req.SecretID, req.ClientRequestToken) {
			return nil
		}
		return backend.Errorf(backend.CodeResourceNotFound, "version %s is not AWSPENDING", req.ClientRequestToken)
	}
	cur, err := GetStage(ctx, b, req.SecretID, backend.StageCurrent)
	if err != nil && !errors.Is(err, backend.ErrResourceNotFound) {
		return err
	}
	defer cur.Wipe()

	in := ExecRequest{Version: ExecProtocolVersion, Step: req.Step, SecretID: req.SecretID, ClientRequestToken: req.ClientRequestToken}
	if cur != nil {
		in.Current = execVersion(cur)
	}
	if pending != nil {
		in.Pending = execVersion(pending)
	}
	out, err := x.run(ctx, &in)
	if err != nil {
		return err
	}
	switch req.Step {
	case StepCreate:
		var resp ExecResponse
		if err := json.Unmarshal(bytes.TrimSpace(out), &resp); err != nil {
			return fmt.Errorf("%s: createSecret must print a JSON object with SecretString or SecretBinary on stdout", x.Path)
		}
		if (resp.SecretString == nil) == (resp.SecretBinary == nil) {
			return fmt.Errorf("%s: createSecret must print exactly one of SecretString and SecretBinary", x.Path)
		}
		_, err := b.PutSecretValue(ctx, &backend.PutSecretValueInput{
			SecretID: req.SecretID, ClientRequestToken: req.ClientRequestToken,
			SecretString: resp.SecretString, SecretBinary: resp.SecretBinary,
			VersionStages: []string{backend.StagePending},
		})
		if err != nil {
			return fmt.Errorf("store the pending version: %w", err)
		}
	case StepFinish:
		return Finish(ctx, b, req.SecretID, req.ClientRequestToken)
	}
	return nil
}

func isCurrent(ctx context.Context, b backend.Backend, secretID, token string) bool {
	meta, err := b.DescribeSecret(ctx, secretID)
	return err == nil && CurrentVersion(meta) == token
}

func execVersion(v *backend.SecretValue) *ExecVersion {
	return &ExecVersion{VersionID: v.VersionID, SecretString: v.SecretString, SecretBinary: v.SecretBinary}
}

// run executes the program and returns its stdout.
func (x *Exec) run(ctx context.Context, in *ExecRequest) ([]byte, error) {
	timeout := x.Timeout
	if timeout == 0 {
		timeout = 5 * time.Minute
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	body, err := json.Marshal(in)
	if err != nil {
		return nil, fmt.Errorf("encode the request: %w", err)
	}
	defer clear(body)
	cmd := exec.CommandContext(ctx, x.Path)
	cmd.Stdin = bytes.NewReader(body)
	cmd.Env = childEnv()
	var stdout, stderr limitedBuffer
	stdout.max, stderr.max = maxExecOutput, maxExecOutput
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.WaitDelay = 5 * time.Second
	err = cmd.Run()
	defer clear(stderr.Bytes())
	x.debug(in.Step, stderr.Bytes())
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("%s %s: %v: timed out or cancelled", x.Path, in.Step, err)
		}
		if n := stderr.Len(); n > 0 && x.Debug == nil {
			return nil, fmt.Errorf("%s %s: %v (its %d bytes of error output are not shown because they may quote the secret; --debug-rotation shows them)", x.Path, in.Step, err, n)
		}
		return nil, fmt.Errorf("%s %s: %v", x.Path, in.Step, err)
	}
	return stdout.Bytes(), nil
}

// debug writes the program's stderr to x.Debug, with control characters
// other than newline and tab dropped so it cannot paint the terminal.
func (x *Exec) debug(step string, text []byte) {
	if x.Debug == nil || len(text) == 0 {
		return
	}
	clean := strings.Map(func(r rune) rune {
		if r != '\n' && r != '\t' && unicode.IsControl(r) {
			return -1
		}
		return r
	}, string(text))
	fmt.Fprintf(x.Debug, "--debug-rotation: %s %s wrote on stderr (this may show secrets):\n%s\n", x.Path, step, strings.TrimRight(clean, "\n"))
}

// childEnv passes the environment on without the store's own unlocking
// material: a rotator has no business with the store's passphrase or key.
func childEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "SECRETARY_") {
			env = append(env, kv)
		}
	}
	return env
}

type limitedBuffer struct {
	bytes.Buffer
	max int
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if room := b.max - b.Len(); room < len(p) {
		if room > 0 {
			b.Buffer.Write(p[:room])
		}
		return len(p), nil
	}
	return b.Buffer.Write(p)
}

var _ io.Writer = (*limitedBuffer)(nil)
