package local

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/secretary-sh/secretary/backend"
)

// BenchmarkAuditAtScale measures what a long audit log costs, on a real
// store file: its size, listing access keys with their last use, a read,
// and pruning all but the newest tenth by the retention policy. The size
// comes from SECRETARY_BENCH_AUDIT_RECORDS (default 1,000,000; the figures
// in docs/performance.md are for 10,000,000):
//
//	SECRETARY_BENCH_AUDIT_RECORDS=10000000 go test ./backend/local -run '^$' -bench AuditAtScale -benchtime 1x -timeout 60m
func BenchmarkAuditAtScale(b *testing.B) {
	n := 1_000_000
	if v, err := strconv.Atoi(os.Getenv("SECRETARY_BENCH_AUDIT_RECORDS")); err == nil && v > 0 {
		n = v
	}
	ctx := context.Background()
	clock := newClock()
	s := newStore(b, Options{Now: clock.Now})
	key, err := s.CreateAccessKey(ctx, "app")
	if err != nil {
		b.Fatal(err)
	}
	mustCreate(b, s, "app/db", "v1")
	// Fill the chain directly, a day's worth of requests a minute apart
	// at a time, in large transactions: appending through the API would
	// take hours.
	start := time.Now()
	tail := s.tail
	if !tail.ok {
		if err := s.db.QueryRow(`SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1`).Scan(&tail.seq, &tail.hash); err != nil {
			b.Fatal(err)
		}
	}
	const batch = 100_000
	t0 := clock.Now().Add(-time.Duration(n) * time.Second)
	for done := 0; done < n; {
		tx, err := s.db.Begin()
		if err != nil {
			b.Fatal(err)
		}
		stmt, err := tx.Prepare(`INSERT INTO audit(seq, time, actor, operation, secret_arn, version_id, outcome, error_code, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			b.Fatal(err)
		}
		for i := 0; i < batch && done < n; i++ {
			r := backend.AuditRecord{Seq: tail.seq + 1, PrevHash: tail.hash, Time: t0.Add(time.Duration(done) * time.Second),
				Actor: key.ID, Operation: "GetSecretValue", SecretARN: "arn:aws:secretsmanager:local:000000000000:secret:app/db-AbCdEf", Outcome: "ok"}
			r.Hash = auditHash(&r)
			if _, err := stmt.Exec(r.Seq, r.Time.UnixNano(), r.Actor, r.Operation, r.SecretARN, r.VersionID, r.Outcome, r.ErrorCode, r.PrevHash, r.Hash); err != nil {
				b.Fatal(err)
			}
			tail = auditTail{seq: r.Seq, hash: r.Hash, ok: true}
			done++
		}
		stmt.Close()
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
	}
	s.tail = auditTail{}
	b.Logf("filled %d records in %s", n, time.Since(start).Round(time.Millisecond))
	if _, err := s.db.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		b.Fatal(err)
	}
	fi, err := os.Stat(s.Path())
	if err != nil {
		b.Fatal(err)
	}

	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.ReportMetric(float64(fi.Size())/1e6, "MB-file")
		t := time.Now()
		keys, err := s.ListAccessKeys(ctx)
		if err != nil || len(keys) != 1 {
			b.Fatal(keys, err)
		}
		b.ReportMetric(float64(time.Since(t).Microseconds())/1000, "ms-list-keys")
		t = time.Now()
		mustGet(b, s, &backend.GetSecretValueInput{SecretID: "app/db"})
		b.ReportMetric(float64(time.Since(t).Microseconds())/1000, "ms-get")
		// Keep the newest tenth.
		t = time.Now()
		res, err := s.PruneAudit(ctx, AuditRetention{MaxRecords: int64(n / 10)}, nil)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(time.Since(t).Seconds(), "s-prune")
		b.ReportMetric(float64(res.Removed), "removed")
		t = time.Now()
		if err := s.VerifyAudit(ctx); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(time.Since(t).Seconds(), "s-verify-after")
	}
}
