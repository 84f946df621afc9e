package local

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/secretary-sh/secretary/backend"
)

// TestConcurrentReadsShareCommitsYetAnswerOnlyOnceAudited: reads that
// arrive together commit in groups, and still each read returns only once
// its audit record is committed: another connection on the file sees it
// as soon as the read returns. A read that fails inside a group is audited
// as a failure and fails alone; writes interleaved with the reads keep
// their own durable commits; the chain verifies afterwards.
func TestConcurrentReadsShareCommitsYetAnswerOnlyOnceAudited(t *testing.T) {
	ctx := context.Background()
	s := newStore(t, Options{})
	mustCreate(t, s, "app/db", "v1")
	raw := rawDB(t, s.Path())
	const readers, reads = 8, 60
	var wg sync.WaitGroup
	errs := make(chan error, readers+1)
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
	wg.Add(1)
	go func() {
		defer wg.Done()
		for n := range 20 {
			if _, err := s.PutSecretValue(ctx, &backend.PutSecretValueInput{SecretID: "app/other", SecretString: ptr("x")}); err != nil && backend.Code(err) != backend.CodeResourceNotFound {
				errs <- fmt.Errorf("write %d: %v", n, err)
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
	if err := s.VerifyAudit(ctx); err != nil {
		t.Fatal(err)
	}
}
