package cli

import (
	"encoding/base64"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"sync"

	"github.com/secretary-sh/secretary/backend/wire"
)

// Secrets Manager responses are printed from the wire shapes the server
// sends (package wire), so the CLI shows exactly the members, in the order,
// that the service's answer holds. shapeValue reads a shape as
// encoding/json would write it (member names and omitempty/omitzero from
// the json tags) into the plain tree the formatters read, with timestamps
// in the AWS CLI's form instead of the protocol's.

var wireTime = reflect.TypeFor[wire.Time]()

// shapeOf converts a wire shape (or a pointer to one, or a list of them)
// into object, []any, string, int64, bool or nil.
func shapeOf(v any) any {
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Struct {
		// An addressable copy lets members be read in place.
		c := reflect.New(rv.Type()).Elem()
		c.Set(rv)
		rv = c
	}
	return shapeValue(rv)
}

func shapeValue(v reflect.Value) any {
	switch v.Kind() {
	case reflect.Invalid:
		return nil
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil
		}
		return shapeValue(v.Elem())
	case reflect.Struct:
		if v.Type() == wireTime {
			return asTime(v).Format(wire.ISO8601)
		}
		members := membersOf(v.Type())
		o := make(object, 0, len(members))
		for _, m := range members {
			fv := v.Field(m.index)
			if (m.omitEmpty && empty(fv)) || (m.omitZero && zero(fv)) {
				continue
			}
			o = append(o, field{m.name, shapeValue(fv)})
		}
		return o
	case reflect.Slice:
		if v.IsNil() {
			return nil
		}
		if v.Type().Elem().Kind() == reflect.Uint8 {
			// Blobs are shown base64-encoded, as on the wire.
			return base64.StdEncoding.EncodeToString(v.Bytes())
		}
		out := make([]any, v.Len())
		for i := range out {
			out[i] = shapeValue(v.Index(i))
		}
		return out
	case reflect.Map:
		if v.Type().Key().Kind() != reflect.String {
			break
		}
		if v.IsNil() {
			return nil
		}
		// The AWS CLI prints a map's keys sorted.
		keys := make([]string, 0, v.Len())
		for _, k := range v.MapKeys() {
			keys = append(keys, k.String())
		}
		sort.Strings(keys)
		o := make(object, 0, len(keys))
		for _, k := range keys {
			o = append(o, field{k, shapeValue(v.MapIndex(reflect.ValueOf(k).Convert(v.Type().Key())))})
		}
		return o
	case reflect.String:
		return v.String()
	case reflect.Bool:
		return v.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int()
	}
	// Every type a shape holds is handled above.
	return fmt.Sprintf("<unsupported %s>", v.Type())
}

// asTime reads a wire.Time member, through its address when it has one:
// a listing reads several per entry, and copying each into an interface
// would allocate.
func asTime(v reflect.Value) *wire.Time {
	if v.CanAddr() {
		return v.Addr().Interface().(*wire.Time)
	}
	t := v.Interface().(wire.Time)
	return &t
}

// member is how one struct field is printed, from its json tag.
type member struct {
	index               int
	name                string
	omitEmpty, omitZero bool
}

// shapeMembers memoises membersOf: reading tags costs more than printing
// a listing entry, and a listing prints the same shape many times. Like
// encoding/json's own cache it only ever holds what the types say.
var shapeMembers sync.Map // reflect.Type -> []member

func membersOf(t reflect.Type) []member {
	if m, ok := shapeMembers.Load(t); ok {
		return m.([]member)
	}
	var members []member
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if !f.IsExported() || name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		m := member{index: i, name: name}
		for opts != "" {
			var opt string
			opt, opts, _ = strings.Cut(opts, ",")
			m.omitEmpty = m.omitEmpty || opt == "omitempty"
			m.omitZero = m.omitZero || opt == "omitzero"
		}
		members = append(members, m)
	}
	shapeMembers.Store(t, members)
	return members
}

// empty is omitempty's test: nil, "", false, 0 and empty lists and maps.
func empty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		return v.IsNil()
	case reflect.String, reflect.Slice, reflect.Map:
		return v.Len() == 0
	case reflect.Bool:
		return !v.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int() == 0
	}
	return false
}

// zero is omitzero's test: the zero value, or for a timestamp what
// wire.Time's IsZero says (the only member type with its own IsZero).
func zero(v reflect.Value) bool {
	if v.Type() == wireTime {
		return asTime(v).IsZero()
	}
	return v.IsZero()
}
