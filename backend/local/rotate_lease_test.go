//go:build unix

package local

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/backend/rotation"
)

// stepper is a rotation function that writes its pending value and moves
// AWSCURRENT, and calls onSet in setSecret (where a real function changes
// the database password).
type stepper struct{ onSet func() }

func (f stepper) Step(ctx context.Context, req rotation.Request) error {
	switch req.Step {
	case rotation.StepCreate:
		p, err := rotation.GetPending(ctx, req.Backend, req.SecretID, req.ClientRequestToken)
		if err != nil || p != nil {
			return err
		}
		return rotation.PutPending(ctx, req.Backend, req.SecretID, req.ClientRequestToken, "new-"+req.ClientRequestToken)
	case rotation.StepSet:
		if f.onSet != nil {
			f.onSet()
		}
	case rotation.StepFinish:
		return rotation.Finish(ctx, req.Backend, req.SecretID, req.ClientRequestToken)
	}
	return nil
}

func stepperRegistry(onSet func()) *rotation.Registry {
	reg := rotation.NewRegistry()
	reg.Register("stepper", func(string) (rotation.Function, error) { return stepper{onSet: onSet}, nil })
	return reg
}

// runHangingRotation is the helper process of
// TestKilledRotationIsResumedAtOnce: it starts a rotation, says so from
// inside setSecret and waits there to be killed.
func runHangingRotation(ctx context.Context, path string, key []byte, name string) int {
	s, err := Open(ctx, path, Credential{Key: key}, Options{Actor: "rotator", Rotation: stepperRegistry(func() {
		fmt.Println("in-set")
		select {}
	})})
	if err != nil {
		fmt.Fprintln(os.Stderr, "rotator: open:", err)
		return 2
	}
	_, err = s.RotateSecret(ctx, &backend.RotateSecretInput{SecretID: name, ClientRequestToken: tokenA, RotationLambdaARN: "stepper"})
	fmt.Fprintln(os.Stderr, "rotator: the rotation returned:", err)
	return 1
}

// A rotation whose process was killed after setSecret is resumed at once
// by a rerun with the same token: the claim's holder no longer exists.
func TestKilledRotationIsResumedAtOnce(t *testing.T) {
	path, key := keyedStore(t)
	cmd := writerCmd(t, "rotate-hang", path, key, "counter", 0)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || strings.TrimSpace(line) != "in-set" {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("the rotator did not reach setSecret: %q %v", line, err)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()

	ctx := context.Background()
	s, err := Open(ctx, path, Credential{Key: key}, Options{Actor: "operator", Rotation: stepperRegistry(nil)})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got := stagesOfSecret(t, s, "counter")[backend.StagePending]; got != tokenA {
		t.Fatalf("AWSPENDING is on %q, want the killed rotation's %s", got, tokenA)
	}
	if _, err := s.RotateSecret(ctx, &backend.RotateSecretInput{SecretID: "counter", ClientRequestToken: tokenA, RotationLambdaARN: "stepper"}); err != nil {
		t.Fatalf("rerun with the same token: %v", err)
	}
	if got := stagesOfSecret(t, s, "counter")[backend.StageCurrent]; got != tokenA {
		t.Fatalf("AWSCURRENT is on %q after the rerun, want %s", got, tokenA)
	}
}

// A claim whose holder may still be running (a live process here, or a
// fresh heartbeat from another host) is refused; once its heartbeat is
// older than leaseStale it is taken over.
func TestRotationLeaseFollowsItsHolder(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name  string
		claim func(now time.Time) rotationClaim
	}{
		{"a live process on this host", func(now time.Time) rotationClaim {
			return rotationClaim{token: tokenA, host: thisHost(), pid: os.Getppid(), beat: now.UnixNano()}
		}},
		{"a process on another host", func(now time.Time) rotationClaim {
			return rotationClaim{token: tokenA, host: "elsewhere.example", pid: 1, beat: now.UnixNano()}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clock := newClock()
			s := newStore(t, Options{Now: clock.Now, Rotation: stepperRegistry(nil)})
			mustCreate(t, s, "db", "v1")
			arn := stagesOfSecretARN(t, s, "db")
			if err := s.run(ctx, true, func(tx *txn) error {
				_, err := tx.exec(`INSERT INTO meta(key, value) VALUES (?, ?)`, claimKey(arn), tc.claim(clock.Now()).String())
				return err
			}); err != nil {
				t.Fatal(err)
			}
			in := &backend.RotateSecretInput{SecretID: "db", ClientRequestToken: tokenA, RotationLambdaARN: "stepper"}
			clock.Advance(leaseStale / 2)
			_, err := s.RotateSecret(ctx, in)
			if !errors.Is(err, backend.RotationInProgressError()) {
				t.Fatalf("RotateSecret while the holder may run = %v, want %v", err, backend.RotationInProgressError())
			}
			clock.Advance(leaseStale)
			if _, err := s.RotateSecret(ctx, in); err != nil {
				t.Fatalf("RotateSecret once the heartbeat is stale: %v", err)
			}
		})
	}
}

func stagesOfSecretARN(t *testing.T, s *Store, id string) string {
	t.Helper()
	m, err := s.DescribeSecret(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return m.ARN
}

// While a rotation runs, its claim's heartbeat follows the clock, so a
// holder on another host is not taken over mid-rotation; once the
// rotation ends the claim is gone.
func TestRotationHeartbeatRenewsOnlyItsOwnClaim(t *testing.T) {
	ctx := context.Background()
	clock := newClock()
	s := newStore(t, Options{Now: clock.Now})
	mustCreate(t, s, "db", "v1")
	cfg := &rotationConfig{arn: stagesOfSecretARN(t, s, "db"), token: tokenA}
	if err := s.run(ctx, true, func(tx *txn) error { return tx.claimRotation(cfg.arn, cfg.token) }); err != nil {
		t.Fatal(err)
	}
	readBeat := func() int64 {
		var v string
		if err := s.rdb.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = ?`, claimKey(cfg.arn)).Scan(&v); err != nil {
			t.Fatal(err)
		}
		c, ok := parseClaim(v)
		if !ok {
			t.Fatalf("claim %q", v)
		}
		return c.beat
	}
	stop := s.heartbeat(ctx, cfg, time.Millisecond)
	clock.Advance(time.Hour)
	deadline := time.Now().Add(10 * time.Second)
	for readBeat() != clock.Now().UnixNano() {
		if time.Now().After(deadline) {
			stop()
			t.Fatal("the heartbeat did not renew the claim")
		}
		time.Sleep(time.Millisecond)
	}
	stop()
	// Another process's claim with the same token is left alone.
	other := rotationClaim{token: tokenA, host: "elsewhere.example", pid: 1, beat: 42}
	if err := s.run(ctx, true, func(tx *txn) error {
		_, err := tx.exec(`UPDATE meta SET value = ? WHERE key = ?`, other.String(), claimKey(cfg.arn))
		return err
	}); err != nil {
		t.Fatal(err)
	}
	stop = s.heartbeat(ctx, cfg, time.Millisecond)
	time.Sleep(20 * time.Millisecond)
	stop()
	s.releaseRotation(ctx, cfg)
	if got := readBeat(); got != 42 {
		t.Fatalf("another holder's claim was renewed or released: beat %d", got)
	}
}
