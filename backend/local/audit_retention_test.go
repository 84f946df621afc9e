package local

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/secretary-sh/secretary/backend"
)

// fillAudit writes one read a day for days days, so records have ages.
func fillAudit(t *testing.T, s *Store, clock *fakeClock, days int) {
	t.Helper()
	mustCreate(t, s, "app/db", "v1")
	for i := 0; i < days; i++ {
		clock.Advance(24 * time.Hour)
		mustGet(t, s, &backend.GetSecretValueInput{SecretID: "app/db"})
	}
}

func auditSeqs(t *testing.T, s *Store) (oldest, newest int64, count int) {
	t.Helper()
	recs, err := s.AuditLog(context.Background(), backend.AuditQuery{})
	if err != nil {
		t.Fatal(err)
	}
	return recs[len(recs)-1].Seq, recs[0].Seq, len(recs)
}

// TestAuditPruneByAgeExportsFirstAndKeepsTheChainVerifiable: a prune
// writes every record it removes to the export first, in CloudTrail's
// shape, and the chain still verifies from its checkpoint.
func TestAuditPruneByAgeExportsFirstAndKeepsTheChainVerifiable(t *testing.T) {
	ctx := context.Background()
	clock := newClock()
	s := newStore(t, Options{Now: clock.Now})
	fillAudit(t, s, clock, 120)
	_, newestBefore, countBefore := auditSeqs(t, s)

	r, err := s.AuditRetention(ctx)
	if err != nil || r.MaxAge != DefaultAuditMaxAge || r.MaxRecords != 0 {
		t.Fatalf("default retention = %+v, %v; want 90 days, no record limit", r, err)
	}
	var exported bytes.Buffer
	synced := false
	res, err := s.PruneAudit(ctx, r, func(first, last int64) (io.Writer, func() error, error) {
		if first != 1 {
			t.Errorf("export starts at %d, want 1", first)
		}
		return &exported, func() error { synced = true; return nil }, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Records older than 90 days: InitStore, CreateSecret and the reads of
	// the first 29 days (day 30's read is exactly 90 days old, kept).
	if res.Removed != 31 || res.Through != 31 || !synced {
		t.Fatalf("prune = %+v (export finished: %v); want 31 removed through 31", res, synced)
	}
	lines := strings.Split(strings.TrimSpace(exported.String()), "\n")
	if len(lines) != 31 {
		t.Fatalf("exported %d records, want 31", len(lines))
	}
	var first, last cloudTrailRecord
	if err := json.Unmarshal([]byte(lines[0]), &first); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(lines[30]), &last); err != nil {
		t.Fatal(err)
	}
	if first.EventName != "InitStore" || last.EventName != "GetSecretValue" || last.EventSource != "secretsmanager.amazonaws.com" ||
		!last.ReadOnly || last.RequestParameters["secretId"] == "" || last.AdditionalEventData["seq"] != float64(31) {
		t.Fatalf("export records: first %+v, last %+v", first, last)
	}
	if err := s.VerifyAudit(ctx); err != nil {
		t.Fatalf("chain after prune: %v", err)
	}
	oldest, newest, count := auditSeqs(t, s)
	if oldest != 32 || newest != newestBefore+1 || count != countBefore-31+1 {
		t.Fatalf("after prune: oldest %d newest %d count %d", oldest, newest, count)
	}
	recs, _ := s.AuditLog(ctx, backend.AuditQuery{Limit: 1})
	if recs[0].Operation != "PruneAudit" || recs[0].VersionID != "31" {
		t.Fatalf("the prune is not on the record: %+v", recs[0])
	}
	// Nothing more is old enough: a second prune removes nothing.
	if res, err := s.PruneAudit(ctx, r, nil); err != nil || res.Removed != 0 {
		t.Fatalf("second prune = %+v, %v", res, err)
	}
}

func TestAuditPruneByRecordCount(t *testing.T) {
	ctx := context.Background()
	clock := newClock()
	s := newStore(t, Options{Now: clock.Now})
	fillAudit(t, s, clock, 40)
	if err := s.SetAuditRetention(ctx, AuditRetention{MaxRecords: 10}); err != nil {
		t.Fatal(err)
	}
	r, err := s.AuditRetention(ctx)
	if err != nil || r.MaxAge != 0 || r.MaxRecords != 10 {
		t.Fatalf("retention = %+v, %v", r, err)
	}
	if _, err := s.PruneAudit(ctx, r, nil); err != nil {
		t.Fatal(err)
	}
	// Ten kept, then the prune's own record.
	if _, _, count := auditSeqs(t, s); count != 11 {
		t.Fatalf("%d records kept, want 10 and the prune's", count)
	}
	if err := s.VerifyAudit(ctx); err != nil {
		t.Fatal(err)
	}
	wantCode(t, s.SetAuditRetention(ctx, AuditRetention{MaxAge: time.Hour}), backend.CodeInvalidParameter)
}

// TestAuditCheckpointTamperingIsFound: without the key, neither a cut at
// the head of the log nor an edited checkpoint passes verification.
func TestAuditCheckpointTamperingIsFound(t *testing.T) {
	ctx := context.Background()
	clock := newClock()
	s := newStore(t, Options{Now: clock.Now})
	fillAudit(t, s, clock, 100)
	r, _ := s.AuditRetention(ctx)
	if _, err := s.PruneAudit(ctx, r, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.Exec(`DELETE FROM audit WHERE seq = (SELECT min(seq) FROM audit)`); err != nil {
		t.Fatal(err)
	}
	var ae *AuditError
	if err := s.VerifyAudit(ctx); !errors.As(err, &ae) || !strings.Contains(ae.Reason, "missing") {
		t.Fatalf("a record cut after the checkpoint: %v", err)
	}
	// Moving the checkpoint over the cut needs the key.
	var cp string
	if err := s.db.QueryRow(`SELECT value FROM meta WHERE key = 'audit_checkpoint'`).Scan(&cp); err != nil {
		t.Fatal(err)
	}
	var hash string
	if err := s.db.QueryRow(`SELECT prev_hash FROM audit ORDER BY seq LIMIT 1`).Scan(&hash); err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(cp, ":")
	forged := "12:" + hash + ":" + parts[2]
	if _, err := s.db.Exec(`UPDATE meta SET value = ? WHERE key = 'audit_checkpoint'`, forged); err != nil {
		t.Fatal(err)
	}
	if err := s.VerifyAudit(ctx); !errors.As(err, &ae) || !strings.Contains(ae.Reason, "changed outside secretary") {
		t.Fatalf("a forged checkpoint: %v", err)
	}
}

// TestAccessKeyLastUseSurvivesPruning: last use comes from its own table,
// not from a scan of records that a prune may have removed.
func TestAccessKeyLastUseSurvivesPruning(t *testing.T) {
	ctx := context.Background()
	clock := newClock()
	s := newStore(t, Options{Now: clock.Now})
	k, err := s.CreateAccessKey(ctx, "app")
	if err != nil {
		t.Fatal(err)
	}
	used := clock.Now()
	mustCreate(t, s, "app/db", "v1")
	if _, err := s.GetSecretValue(backend.WithActor(ctx, k.ID), &backend.GetSecretValueInput{SecretID: "app/db"}); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 100; i++ {
		clock.Advance(24 * time.Hour)
		mustGet(t, s, &backend.GetSecretValueInput{SecretID: "app/db"})
	}
	r, _ := s.AuditRetention(ctx)
	if res, err := s.PruneAudit(ctx, r, nil); err != nil || res.Removed == 0 {
		t.Fatalf("prune: %+v %v", res, err)
	}
	keys, err := s.ListAccessKeys(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 1 || !keys[0].LastUsed.Equal(used.UTC()) {
		t.Fatalf("last use after pruning = %+v, want %v", keys, used)
	}
}
