package blueprint

import (
	"archive/zip"
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// Ensure the tail writer keeps exactly the last max bytes, whatever the
// write sizes, and starts at a character boundary.
func TestTail(t *testing.T) {
	t.Parallel()
	tl := newTail(10)
	for _, s := range []string{"abc", "defgh", "ijklmnop", "q"} {
		n, err := tl.Write([]byte(s))
		require.NoError(t, err)
		require.Equal(t, len(s), n)
	}
	require.Equal(t, "hijklmnopq", tl.String())

	_, _ = tl.Write([]byte(strings.Repeat("z", 25) + "0123456789"))
	require.Equal(t, "0123456789", tl.String())

	for range 1000 {
		_, _ = tl.Write([]byte("xy"))
	}
	require.Equal(t, "xyxyxyxyxy", tl.String())
	require.LessOrEqual(t, cap(tl.buf), 64)

	u := newTail(4)
	_, _ = u.Write([]byte("aé€")) // é is 2 bytes, € is 3: the last 4 bytes cut é
	require.Equal(t, "€", u.String())
}

// Ensure the decompression budget stops reading one byte past the limit,
// whatever the entry's header claims.
func TestBudget(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	fw, err := w.Create("big")
	require.NoError(t, err)
	_, err = fw.Write(make([]byte, 1000))
	require.NoError(t, err)
	require.NoError(t, w.Close())
	r, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	require.NoError(t, err)
	e := entry{name: "big", file: r.File[0]}

	var out countingWriter
	b := &budget{left: 100}
	require.EqualError(t, b.copy(&out, e), `blueprint archive unpacks to more than 5242880 bytes (5 MB); the limit was passed while reading entry "big"`)
	require.Equal(t, 101, out.n)

	b = &budget{left: 1000}
	require.NoError(t, b.copy(io.Discard, e))
	require.Zero(t, b.left)
}

type countingWriter struct{ n int }

func (c *countingWriter) Write(p []byte) (int, error) { c.n += len(p); return len(p), nil }

// Ensure floats always reach Python as floats.
func TestPyFloat(t *testing.T) {
	t.Parallel()
	b, err := marshalJSON(pythonValues(map[string]any{"a": 128.0, "b": 0.5, "c": []any{1e21, int64(3)}, "d": map[string]any{"e": -2.0}}))
	require.NoError(t, err)
	require.Equal(t, `{"a":128.0,"b":0.5,"c":[1e+21,3],"d":{"e":-2.0}}`, string(b))
}

// Ensure the list of parameter types cannot be changed by a caller, and
// the message naming them follows it.
func TestParamTypes_Fresh(t *testing.T) {
	t.Parallel()
	types := ParamTypes()
	types[0] = "Changed"
	require.Equal(t, TypeString, ParamTypes()[0])
	require.True(t, strings.HasPrefix(typeList(), "String, Integer, "), typeList())
}
