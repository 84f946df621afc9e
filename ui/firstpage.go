package ui

import (
	"context"
	"time"

	"github.com/secretary-sh/secretary/backend"
)

// firstPageWait bounds how long the console waits for the first page of
// the list before its first frame. An embedded store answers in a few
// milliseconds; past this the frame is drawn with "loading" instead.
const firstPageWait = 100 * time.Millisecond

// listSeed is the first page of the list, read before the first frame so
// that frame already shows rows; the rest of the listing starts at next.
type listSeed struct {
	rows []row
	next string
}

// listInput is what the list asks the store for: every secret, also those
// scheduled for deletion, by name.
func listInput() *backend.ListSecretsInput {
	return &backend.ListSecretsInput{
		IncludePlannedDeletion: true,
		SortBy:                 backend.SortByName,
		SortOrder:              backend.SortAsc,
	}
}

// fetchFirstPage reads the first page of the list from an embedded store.
// It returns nil for a remote backend, whose answer takes a round trip the
// first frame must not wait for, and when the store is slower than
// firstPageWait: the list then loads as it always did.
func fetchFirstPage(ctx context.Context, b backend.Backend) *listSeed {
	if b == nil || b.Info().Kind != "local" {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, firstPageWait)
	defer cancel()
	in := listInput()
	in.MaxResults = listPageSize
	out, err := b.ListSecrets(ctx, in)
	if err != nil {
		// The listing that follows reports the error.
		return nil
	}
	return &listSeed{rows: newRows(out.Secrets), next: out.NextToken}
}

// takeSeed shows the first page read before the first frame, if there is
// one, and points in at the rest. It reports whether the page was the
// whole list.
func (l *listPage) takeSeed(in *backend.ListSecretsInput) (whole bool) {
	s := l.seed
	l.seed = nil
	if s == nil {
		return false
	}
	l.rows = s.rows
	l.newGen()
	l.deleted = 0
	for i := range l.rows {
		if l.rows[i].deleted {
			l.deleted++
		}
	}
	// A hundred rows: sorting and selecting them here costs microseconds
	// and the first frame shows them.
	order := sortedOrder(l.rows, l.sortKey)
	l.orders[l.sortKey] = order
	q, err := parseQuery(l.filter.Value())
	if err != nil {
		q = query{}
	}
	shape := viewShape{key: l.sortKey, rev: l.reverse, del: l.showDeleted, pin: l.pin}
	l.view = view(l.rows, nil, order, &q, shape.rev, shape.del, l.c.now().Unix(), shape.pin)
	l.viewRows, l.viewQuery, l.viewGen = l.rows, l.filter.Value(), l.gen
	l.viewQ, l.viewShape = &q, shape
	l.nameW, l.descW = contentWidths(l.rows, l.view)
	in.NextToken = s.next
	return s.next == ""
}
