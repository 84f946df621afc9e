package local

import (
	"encoding/json"
	"strconv"
	"unicode/utf8"
)

// The listing copies of tags and labels are JSON written by SQLite's json
// functions, so their shape is fixed. Decoding them with encoding/json was
// about 40% of listing 100,000 secrets; this scanner reads the two shapes
// directly and leaves anything unexpected (escapes, odd spacing) to
// encoding/json.

// jsonScan walks a JSON document of known shape.
type jsonScan struct {
	b   []byte
	i   int
	bad bool
}

func (s *jsonScan) skip() {
	for s.i < len(s.b) && (s.b[s.i] == ' ' || s.b[s.i] == '\n' || s.b[s.i] == '\t' || s.b[s.i] == '\r') {
		s.i++
	}
}

// expect consumes c or marks the scan bad.
func (s *jsonScan) expect(c byte) {
	s.skip()
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return
	}
	s.bad = true
}

// peek reports whether the next byte is c, without consuming it.
func (s *jsonScan) peek(c byte) bool {
	s.skip()
	return s.i < len(s.b) && s.b[s.i] == c
}

// str reads a string without escapes; a backslash, a raw control byte or
// invalid UTF-8 sends the whole document to the slow path.
func (s *jsonScan) str() string {
	s.expect('"')
	start := s.i
	ascii := true
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			seg := s.b[start:s.i]
			if !ascii && !utf8.Valid(seg) {
				s.bad = true
				return ""
			}
			s.i++
			return string(seg)
		case c == '\\' || c < 0x20:
			s.bad = true
			return ""
		case c >= 0x80:
			ascii = false
		}
		s.i++
	}
	s.bad = true
	return ""
}

func (s *jsonScan) int() int64 {
	s.skip()
	start := s.i
	for s.i < len(s.b) && (s.b[s.i] == '-' || (s.b[s.i] >= '0' && s.b[s.i] <= '9')) {
		s.i++
	}
	n, err := strconv.ParseInt(string(s.b[start:s.i]), 10, 64)
	if err != nil {
		s.bad = true
	}
	return n
}

// decodeTags reads [[pos, key, value], …] into (pos, tag) pairs.
func decodeTags(b []byte) ([]posTag, error) {
	s := &jsonScan{b: b}
	var out []posTag
	s.expect('[')
	for !s.bad && !s.peek(']') {
		if len(out) > 0 {
			s.expect(',')
		}
		s.expect('[')
		var t posTag
		t.pos = s.int()
		s.expect(',')
		t.key = s.str()
		s.expect(',')
		t.value = s.str()
		s.expect(']')
		out = append(out, t)
	}
	s.expect(']')
	s.skip()
	if !s.bad && s.i == len(b) {
		return out, nil
	}
	var raw [][3]any
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, err
	}
	out = out[:0]
	for _, r := range raw {
		p, _ := r[0].(float64)
		k, _ := r[1].(string)
		v, _ := r[2].(string)
		out = append(out, posTag{pos: int64(p), key: k, value: v})
	}
	return out, nil
}

type posTag struct {
	pos        int64
	key, value string
}

// decodeStages reads {"version": ["LABEL", …], …}.
func decodeStages(b []byte) (map[string][]string, error) {
	s := &jsonScan{b: b}
	out := map[string][]string{}
	s.expect('{')
	for !s.bad && !s.peek('}') {
		if len(out) > 0 {
			s.expect(',')
		}
		v := s.str()
		s.expect(':')
		s.expect('[')
		var labels []string
		for !s.bad && !s.peek(']') {
			if len(labels) > 0 {
				s.expect(',')
			}
			labels = append(labels, s.str())
		}
		s.expect(']')
		out[v] = labels
	}
	s.expect('}')
	s.skip()
	if !s.bad && s.i == len(b) {
		return out, nil
	}
	out = nil
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, err
	}
	return out, nil
}
