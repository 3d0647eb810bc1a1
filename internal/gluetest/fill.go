package gluetest

import (
	"encoding/json"
	"reflect"
	"strconv"
	"testing"
	"time"
)

// FillEpoch is the first time Filled sets: the n-th member filled holds
// FillEpoch plus n seconds, so every time is distinct and whole in
// milliseconds.
var FillEpoch = time.Date(2026, 1, 2, 3, 4, 5, 678_000_000, time.UTC)

// Filled returns a T with every encoded member set, recursively, to a
// distinct non-zero value (a string member holds its own path), so an
// encoding of it shows how each member is encoded. Members tagged
// json:"-" are left zero.
func Filled[T any](t testing.TB) *T {
	t.Helper()
	v := new(T)
	f := &filler{t: t, open: map[reflect.Type]bool{}}
	f.fill(reflect.ValueOf(v).Elem(), reflect.TypeFor[T]().Name())
	return v
}

type filler struct {
	t testing.TB
	n int
	// open holds the struct types being filled, to refuse recursive types.
	open map[reflect.Type]bool
}

func (f *filler) fill(v reflect.Value, path string) {
	f.t.Helper()
	f.n++
	switch {
	case v.Type() == reflect.TypeFor[time.Time]():
		v.Set(reflect.ValueOf(FillEpoch.Add(time.Duration(f.n) * time.Second)))
		return
	case isTimestamp(v.Type()):
		v.Field(0).Set(reflect.ValueOf(FillEpoch.Add(time.Duration(f.n) * time.Second)))
		return
	case v.Type() == reflect.TypeFor[json.RawMessage]():
		v.SetBytes([]byte(`{"` + path + `":` + strconv.Itoa(f.n) + `}`))
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(path)
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int32, reflect.Int64:
		v.SetInt(int64(f.n))
	case reflect.Uint, reflect.Uint32, reflect.Uint64:
		v.SetUint(uint64(f.n))
	case reflect.Float64:
		v.SetFloat(float64(f.n) + 0.5)
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		f.fill(v.Elem(), path)
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		f.fill(v.Index(0), path+"[0]")
	case reflect.Map:
		v.Set(reflect.MakeMap(v.Type()))
		val := reflect.New(v.Type().Elem()).Elem()
		f.fill(val, path+"[k]")
		v.SetMapIndex(reflect.ValueOf(path+".key").Convert(v.Type().Key()), val)
	case reflect.Struct:
		f.fillStruct(v, path)
	default:
		f.t.Fatalf("%s: gluetest cannot fill a %s; teach filler.fill how", path, v.Type())
	}
}

func (f *filler) fillStruct(v reflect.Value, path string) {
	f.t.Helper()
	if f.open[v.Type()] {
		f.t.Fatalf("%s: %s contains itself; gluetest cannot fill it", path, v.Type())
	}
	f.open[v.Type()] = true
	defer delete(f.open, v.Type())
	for i := range v.NumField() {
		if sf := v.Type().Field(i); sf.IsExported() && sf.Tag.Get("json") != "-" {
			f.fill(v.Field(i), path+"."+sf.Name)
		}
	}
}

// isTimestamp reports whether t is a time wrapped in a struct of its own,
// such as glue.Timestamp: one filled value, not a struct of members.
func isTimestamp(t reflect.Type) bool {
	return t.Kind() == reflect.Struct && t.NumField() == 1 && t.Field(0).Anonymous && t.Field(0).Type == reflect.TypeFor[time.Time]()
}
