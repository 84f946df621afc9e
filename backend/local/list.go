package local

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/secretary-sh/secretary/backend"
)

// querier is what listing needs from a transaction or a connection.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// listToken is the opaque ListSecrets NextToken: the sort key of the last
// secret returned, so the next page continues after it even when secrets
// are added or removed in between.
type listToken struct {
	SortBy string `json:"b"`
	Order  string `json:"o"`
	Num    int64  `json:"n,omitempty"`
	Str    string `json:"s,omitempty"`
	ID     int64  `json:"i"`
}

func encodeToken(v any) string {
	b, _ := json.Marshal(v)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeToken(s string, v any) error {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

// listPlan is a ListSecrets request turned into SQL.
type listPlan struct {
	sortBy string
	desc   bool
	column string // sort column; ties break on id
	where  []string
	args   []any
	in     *backend.ListSecretsInput
}

func planList(in *backend.ListSecretsInput, now time.Time) (*listPlan, error) {
	p := &listPlan{in: in, sortBy: in.SortBy}
	if p.sortBy == "" {
		p.sortBy = backend.SortByCreatedDate
	}
	switch p.sortBy {
	case backend.SortByCreatedDate:
		p.column = "created"
	case backend.SortByLastChangedDate:
		p.column = "last_changed"
	case backend.SortByLastAccessedDate:
		p.column = "last_accessed"
	case backend.SortByName:
		p.column = "name"
	default:
		return nil, backend.Errorf(backend.CodeInvalidParameter, "Invalid SortBy: %s", in.SortBy)
	}
	switch in.SortOrder {
	case "", backend.SortAsc:
	case backend.SortDesc:
		p.desc = true
	default:
		return nil, backend.Errorf(backend.CodeInvalidParameter, "Invalid SortOrder: %s", in.SortOrder)
	}
	p.where = append(p.where, "(deletion IS NULL OR deletion > ?)")
	p.args = append(p.args, now.UnixNano())
	if !in.IncludePlannedDeletion {
		p.where = append(p.where, "deleted IS NULL")
	}
	// Name filters are case-sensitive prefixes: push them into SQL as index
	// ranges. The full filter set is still applied afterwards.
	for _, f := range in.Filters {
		if f.Key != backend.FilterName || len(f.Values) == 0 {
			continue
		}
		var ors []string
		pushable := true
		for _, v := range f.Values {
			if strings.HasPrefix(v, "!") {
				pushable = false
				break
			}
			ors = append(ors, "(name >= ? AND name < ?)")
			p.args = append(p.args, v, v+"\xff")
		}
		if !pushable {
			p.args = p.args[:len(p.args)-2*len(ors)]
			continue
		}
		p.where = append(p.where, "("+strings.Join(ors, " OR ")+")")
	}
	return p, nil
}

func (p *listPlan) token(last *secretRow) listToken {
	tok := listToken{SortBy: p.sortBy, Order: map[bool]string{true: "desc", false: "asc"}[p.desc], ID: last.id}
	switch p.column {
	case "created":
		tok.Num = last.created
	case "last_changed":
		tok.Num = last.lastChanged
	case "last_accessed":
		tok.Num = last.lastAccessed
	case "name":
		tok.Str = last.name
	}
	return tok
}

// query returns the SQL for up to limit secrets after the position tok.
func (p *listPlan) query(tok *listToken, limit int) (string, []any) {
	where := append([]string(nil), p.where...)
	args := append([]any(nil), p.args...)
	cmp, dir := ">", "ASC"
	if p.desc {
		cmp, dir = "<", "DESC"
	}
	if tok != nil {
		if p.column == "name" {
			where = append(where, "name "+cmp+" ?")
			args = append(args, tok.Str)
		} else {
			where = append(where, "("+p.column+", id) "+cmp+" (?, ?)")
			args = append(args, tok.Num, tok.ID)
		}
	}
	q := `SELECT ` + secretColumns + ` FROM secrets WHERE ` + strings.Join(where, " AND ") +
		` ORDER BY ` + p.column + ` ` + dir
	if p.column != "name" {
		q += `, id ` + dir
	}
	q += fmt.Sprintf(` LIMIT %d`, limit)
	return q, args
}

// scanChunk reads up to limit secrets after tok.
func (p *listPlan) scanChunk(ctx context.Context, q querier, tok *listToken, limit int) ([]*secretRow, error) {
	query, args := p.query(tok, limit)
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, internal(err)
	}
	defer rows.Close()
	var out []*secretRow
	for rows.Next() {
		r, err := scanSecret(rows)
		if err != nil {
			return nil, internal(err)
		}
		out = append(out, r)
	}
	return out, internal(rows.Err())
}

// maxScanPerPage bounds the rows one ListSecrets call examines when filters
// reject most of them: the page comes back short, with a NextToken, as AWS
// allows, rather than scanning the whole store in one request.
const maxScanPerPage = 5000

func (s *Store) listPage(ctx context.Context, q querier, now time.Time, in *backend.ListSecretsInput) (*backend.ListSecretsOutput, error) {
	p, err := planList(in, now)
	if err != nil {
		return nil, err
	}
	var tok *listToken
	if in.NextToken != "" {
		var t listToken
		if err := decodeToken(in.NextToken, &t); err != nil || t.SortBy != p.sortBy || (t.Order == "desc") != p.desc {
			return nil, backend.InvalidNextTokenError()
		}
		tok = &t
	}
	max := in.MaxResults
	if max <= 0 {
		max = 100
	}
	out := &backend.ListSecretsOutput{Secrets: []backend.SecretMetadata{}}
	scanned := 0
	for {
		chunk, err := p.scanChunk(ctx, q, tok, max)
		if err != nil {
			return nil, err
		}
		metas, err := toMeta(chunk)
		if err != nil {
			return nil, err
		}
		for i := range metas {
			scanned++
			if backend.MatchFilters(&metas[i], in.Filters) {
				out.Secrets = append(out.Secrets, metas[i])
			}
			last := p.token(chunk[i])
			tok = &last
			if len(out.Secrets) == max {
				// More may follow only if this chunk was not the end.
				if i < len(chunk)-1 || len(chunk) == max {
					out.NextToken = encodeToken(last)
				}
				return out, nil
			}
		}
		if len(chunk) < max {
			return out, nil
		}
		if scanned >= maxScanPerPage {
			out.NextToken = encodeToken(*tok)
			return out, nil
		}
	}
}

// toMeta turns rows into metadata. Tags and labels come from the rows'
// JSON copies, so a listing is one range scan of one table.
func toMeta(rows []*secretRow) ([]backend.SecretMetadata, error) {
	out := make([]backend.SecretMetadata, len(rows))
	if len(rows) == 0 {
		return out, nil
	}
	for i, r := range rows {
		m := &out[i]
		m.ARN = r.arn
		m.Name = r.name
		m.Description = r.description
		m.KmsKeyID = r.kmsKeyID
		m.CreatedDate = nsTime(r.created)
		m.LastChangedDate = nsTime(r.lastChanged)
		m.LastAccessedDate = nsTime(r.lastAccessed)
		m.DeletedDate = nullTime(r.deleted)
		m.DeletionDate = nullTime(r.deletion)
		m.OwningService = r.owningService
		m.PrimaryRegion = r.primaryRegion
		m.RotationEnabled = r.rotEnabled
		m.RotationLambdaARN = r.rotFunction
		m.LastRotatedDate = nullTime(r.lastRotated)
		m.NextRotationDate = nullTime(r.nextRotation)
		if r.rotRules != "" {
			var rr backend.RotationRules
			if err := json.Unmarshal([]byte(r.rotRules), &rr); err == nil {
				m.RotationRules = &rr
			}
		}
		if err := decodeListingCopies(m, r); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// decodeListingCopies fills tags and labels from the row's JSON copies.
func decodeListingCopies(m *backend.SecretMetadata, r *secretRow) error {
	if len(r.tagsJSON) > 2 {
		tags, err := decodeTags(r.tagsJSON)
		if err != nil {
			return fmt.Errorf("%w: tags of %s: %w", ErrCorrupt, r.name, err)
		}
		slices.SortFunc(tags, func(a, b posTag) int { return cmp.Compare(a.pos, b.pos) })
		m.Tags = make([]backend.Tag, len(tags))
		for i, tg := range tags {
			m.Tags[i] = backend.Tag{Key: tg.key, Value: tg.value}
		}
	} else if r.tagged {
		// Once tagged, a secret without tags answers "Tags": [], as AWS.
		m.Tags = []backend.Tag{}
	}
	if len(r.stagesJSON) > 2 {
		st, err := decodeStages(r.stagesJSON)
		if err != nil {
			return fmt.Errorf("%w: labels of %s: %w", ErrCorrupt, r.name, err)
		}
		for _, labels := range st {
			slices.Sort(labels)
		}
		m.VersionIdsToStages = st
	}
	return nil
}

func (b *txBackend) ListSecrets(ctx context.Context, in *backend.ListSecretsInput) (out *backend.ListSecretsOutput, err error) {
	t := b.t
	err = t.op("ListSecrets", func() (string, string, error) {
		if err := backend.ValidateListSecrets(in); err != nil {
			return "", "", err
		}
		var err error
		out, err = t.s.listPage(t.ctx, t.tx, t.now, in)
		return "", "", err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// streamBatch is how many secrets StreamSecrets hands over at a time.
const streamBatch = 1000

// StreamSecrets lists every matching secret in the order the input asks
// for, in batches, from one consistent snapshot. It reads without taking the
// write lock, so a long listing never holds up writers.
func (s *Store) StreamSecrets(ctx context.Context, in *backend.ListSecretsInput, fn func([]backend.SecretMetadata) error) error {
	streamErr := func() error {
		probe := *in
		probe.MaxResults, probe.NextToken = 0, ""
		if err := backend.ValidateListSecrets(&probe); err != nil {
			return err
		}
		p, err := planList(&probe, s.opts.Now().UTC())
		if err != nil {
			return err
		}
		var tok *listToken
		if in.NextToken != "" {
			var t listToken
			if err := decodeToken(in.NextToken, &t); err != nil || t.SortBy != p.sortBy || (t.Order == "desc") != p.desc {
				return backend.Errorf(backend.CodeInvalidNextToken, "The NextToken value is invalid.")
			}
			tok = &t
		}
		conn, err := s.rdb.Conn(ctx)
		if err != nil {
			return internal(err)
		}
		defer conn.Close()
		// A deferred read transaction: a snapshot, no write lock.
		if _, err := conn.ExecContext(ctx, "BEGIN DEFERRED"); err != nil {
			return internal(err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
		for {
			chunk, err := p.scanChunk(ctx, conn, tok, streamBatch)
			if err != nil {
				return err
			}
			if len(chunk) == 0 {
				return nil
			}
			metas, err := toMeta(chunk)
			if err != nil {
				return err
			}
			batch := metas[:0]
			for i := range metas {
				if backend.MatchFilters(&metas[i], in.Filters) {
					batch = append(batch, metas[i])
				}
			}
			if len(batch) > 0 {
				if err := fn(batch); err != nil {
					return err
				}
			}
			if len(chunk) < streamBatch {
				return nil
			}
			last := p.token(chunk[len(chunk)-1])
			tok = &last
		}
	}()
	aerr := s.run(ctx, false, func(t *txn) error { return t.audit("StreamSecrets", "", "", streamErr) })
	if streamErr != nil {
		return toOperatorErr(streamErr)
	}
	return aerr
}
