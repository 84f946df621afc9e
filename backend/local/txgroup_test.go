package local

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/secretary-sh/secretary/backend"
)

// TestConcurrentOperationsShareCommitsYetAnswerOnlyOnceWritten: reads
// and writes that arrive together commit in groups, and still each returns
// only once what it did is committed: another connection on the file sees
// a read's audit record and a write's new version as soon as the call
// returns. An operation that fails inside a group is audited as a failure
// and fails alone; a batch keeps its own transaction; the chain verifies
// afterwards.
func TestConcurrentOperationsShareCommitsYetAnswerOnlyOnceWritten(t *testing.T) {
	ctx := context.Background()
	s := newStore(t, Options{})
	mustCreate(t, s, "app/db", "v1")
	raw := rawDB(t, s.Path())
	const readers, reads, writers, writes = 6, 60, 3, 30
	var wg sync.WaitGroup
	errs := make(chan error, readers+writers+1)
	for i := range readers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			actor := fmt.Sprintf("reader-%d", i)
			c := backend.WithActor(ctx, actor)
			for n := 1; n <= reads; n++ {
				id := "app/db"
				if n%5 == 0 {
					id = "app/missing"
				}
				v, err := s.GetSecretValue(c, &backend.GetSecretValueInput{SecretID: id})
				switch {
				case id == "app/db" && (err != nil || *v.SecretString != "v1"):
					errs <- fmt.Errorf("%s read %d: %+v, %v", actor, n, v, err)
					return
				case id != "app/db" && backend.Code(err) != backend.CodeResourceNotFound:
					errs <- fmt.Errorf("%s read %d of a missing secret: %v", actor, n, err)
					return
				}
				var committed int
				if err := raw.QueryRow(`SELECT count(*) FROM audit WHERE actor = ? AND operation = 'GetSecretValue'`, actor).Scan(&committed); err != nil {
					errs <- err
					return
				}
				if committed != n {
					errs <- fmt.Errorf("%s: read %d returned with %d of its audit records committed", actor, n, committed)
					return
				}
			}
		}()
	}
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			name := fmt.Sprintf("app/writer-%d", i)
			if _, err := s.CreateSecret(ctx, &backend.CreateSecretInput{Name: name, SecretString: ptr("0")}); err != nil {
				errs <- err
				return
			}
			for n := 1; n <= writes; n++ {
				_, err := s.PutSecretValue(ctx, &backend.PutSecretValueInput{SecretID: name, SecretString: ptr(fmt.Sprint(n))})
				if err != nil {
					errs <- fmt.Errorf("%s write %d: %v", name, n, err)
					return
				}
				// A write that fails (a name no secret has) fails alone.
				_, err = s.PutSecretValue(ctx, &backend.PutSecretValueInput{SecretID: name + "/missing", SecretString: ptr("x")})
				if backend.Code(err) != backend.CodeResourceNotFound {
					errs <- fmt.Errorf("%s write to a missing secret: %v", name, err)
					return
				}
				var versions int
				if err := raw.QueryRow(`SELECT count(*) FROM versions v JOIN secrets s ON s.id = v.secret_id WHERE s.name = ?`, name).Scan(&versions); err != nil {
					errs <- err
					return
				}
				if versions != n+1 {
					errs <- fmt.Errorf("%s: write %d returned with %d versions committed, want %d", name, n, versions, n+1)
					return
				}
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for n := range 10 {
			err := s.Batch(ctx, func(ctx context.Context, b backend.Backend) error {
				_, err := b.CreateSecret(ctx, &backend.CreateSecretInput{Name: fmt.Sprintf("batch/%d", n), SecretString: ptr("b")})
				return err
			})
			if err != nil {
				errs <- fmt.Errorf("batch %d: %v", n, err)
				return
			}
		}
	}()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	var failed int
	if err := raw.QueryRow(`SELECT count(*) FROM audit WHERE actor LIKE 'reader-%' AND outcome = 'error' AND error_code = ?`, backend.CodeResourceNotFound).Scan(&failed); err != nil {
		t.Fatal(err)
	}
	if failed != readers*reads/5 {
		t.Errorf("%d failed reads audited, want %d", failed, readers*reads/5)
	}
	if err := raw.QueryRow(`SELECT count(*) FROM audit WHERE operation = 'PutSecretValue' AND outcome = 'error'`).Scan(&failed); err != nil {
		t.Fatal(err)
	}
	if failed != writers*writes {
		t.Errorf("%d failed writes audited, want %d", failed, writers*writes)
	}
	if err := s.VerifyAudit(ctx); err != nil {
		t.Fatal(err)
	}
}
